"""faqbot: a curated bilingual FAQ answering in team chat.

Three floors, each importing only from the ones below it: `engine` (the FAQ in, one reply per
question out; pure and synchronous), `serving` (what a running bot needs around it) and `improve`
(what maintainers use to see and fix what the FAQ misses). `cli` is the one entry point.
"""
