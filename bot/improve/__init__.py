"""The improvement loop: what was asked (the store), what the FAQ missed (report), new phrasings
(learn), checks before a change lands (lint, eval)."""
