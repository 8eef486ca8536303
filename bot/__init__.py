"""claimbot's front ends, which only translate between their users and the engine in `index`:
`bot.cli` (the `claimbot` command line) and `bot.discordbot` (the Discord bot).

Beside them: what both share (`settings`, `engine_factory`, `wording`, `json_output`,
`exit_status`, `errors`), and `reindexer`, where the bot runs its reindexes.
"""
