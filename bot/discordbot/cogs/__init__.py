"""One cog per feature: asking, browsing, moderation."""
