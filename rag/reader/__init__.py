"""The offline reader: turns retrieved passages into a short cited answer, or declines.

Stages, one module each:

- ``qtype``: which kind of answer the question wants (count, person, place, date, yes/no, list,
  summary, breakdown, comparison, open), a small classifier learned from labelled questions;
- ``candidates``: every sentence of the retrieved articles with its typed mentions;
- ``features``: general evidence that a sentence answers the question (slots met, entity
  agreement, answer type, rarity-weighted coverage, distance, retrieval rank);
- ``scorer``: a logistic regression over those features, fitted by ``train`` with
  cross-validation grouped by article; its abstention threshold comes from the held-out
  risk-coverage curve;
- ``compose``: the answer written for the reader, fact first, in the question's language;
- ``engine``: the reader itself (``Reader.answer``).
"""
