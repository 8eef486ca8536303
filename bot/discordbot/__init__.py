"""The Discord front end: slash commands and mentions translated into `index/` calls and back
into embeds. Nothing here decides what an answer is; `index/` does."""
