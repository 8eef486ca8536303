"""claimbot's front ends: the `claimbot` command line and the Discord bot.

They only translate between their users and the engine in `index`.
"""
