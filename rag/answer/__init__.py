"""Answer engines: the offline extractive default and LLMs through LangChain."""
