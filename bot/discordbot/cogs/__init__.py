"""One cog per feature (asking, browsing, moderation, review files, feedback, following the
index); cogs never import each other, and meet through the bot and the helper modules beside."""
