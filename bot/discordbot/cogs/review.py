"""/review add and /review remove: moderators manage the review files from Discord, each
change checked first, written atomically, reindexed under the /reindex lock, and put back when
it cannot be indexed."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.autocomplete import episode_autocomplete
from bot.discordbot.checks import moderator_only
from bot.discordbot.client import BUSY, ClaimBot
from bot.discordbot.confirm import ask_confirmation
from bot.discordbot.embeds import cut, summary_embed
from bot.discordbot.error_handling import MESSAGE_LIMIT, tell
from bot.errors import UploadRefused
from index import (
    REVIEW_SUFFIXES,
    ClaimbotError,
    Episode,
    IndexUnusableError,
    ParsedReview,
    ReindexBusyError,
    ReindexSummary,
    ReviewFormatError,
    parse_review_bytes,
)
from index.errors import ReviewFolderError
from index.review_folder import Placement, ReviewFolder

log = logging.getLogger("claimbot.discord")

DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30)
CHUNK = 64 * 1024


def inside(reviews_dir: Path, name: str) -> Path:
    """`reviews_dir / name`, refused (`UploadRefused`) unless directly in the folder."""
    try:
        return ReviewFolder(reviews_dir).inside(name)
    except ReviewFolderError as exc:
        raise UploadRefused(str(exc)) from exc


def check_attachment(file: discord.Attachment, max_bytes: int) -> None:
    """What can be told from Discord's metadata alone, before downloading anything."""
    if file.size > max_bytes:
        raise UploadRefused(
            f"`{file.filename}` is {file.size:,} bytes; a review may be at most {max_bytes:,}. "
            "Nothing was saved."
        )
    suffix = Path(file.filename).suffix.lower()
    content_type = (file.content_type or "text/plain").split(";")[0].strip().lower()
    if suffix not in REVIEW_SUFFIXES or not content_type.startswith("text/"):
        raise UploadRefused(
            f"`{file.filename}` is not a review file: upload plain text "
            f"({' or '.join(REVIEW_SUFFIXES)}, UTF-8). Nothing was saved."
        )


async def download(session: aiohttp.ClientSession, file: discord.Attachment, limit: int) -> bytes:
    """The attachment's bytes, refusing to read more than `limit` whatever its size claimed."""
    data = bytearray()
    try:
        async with session.get(file.url, timeout=DOWNLOAD_TIMEOUT) as response:
            if response.status != 200:
                raise UploadRefused(
                    f"Discord did not hand over `{file.filename}` (HTTP {response.status}); "
                    "try again"
                )
            async for chunk in response.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise UploadRefused(
                        f"`{file.filename}` is larger than {limit:,} bytes. Nothing was saved."
                    )
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise UploadRefused(f"could not download `{file.filename}` ({exc}); try again") from exc
    return bytes(data)


def placement_warning(placement: Placement) -> str | None:
    """What an upload would overwrite, in words (None: nothing)."""
    if placement.replaces is not None:
        return f"the review of **{placement.replaces.display_name}**"
    return "a file of that name" if placement.occupied else None


class Review(commands.Cog):
    review = app_commands.Group(
        name="review",
        description="Add or remove review files (moderators)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.session: aiohttp.ClientSession | None = None

    async def cog_load(self) -> None:
        self.session = aiohttp.ClientSession()

    async def cog_unload(self) -> None:
        if self.session is not None:
            await self.session.close()

    @review.command(name="add", description="Add or replace a review file (moderators)")
    @app_commands.describe(file="a review file: plain text, UTF-8, docs/review-format.md")
    @moderator_only()
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        settings = self.bot.settings
        check_attachment(file, settings.review_max_bytes)
        # Downloading and parsing may take a moment; every reply below is for the caller alone.
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert self.session is not None
        data = await download(self.session, file, settings.review_max_bytes)
        try:
            review = await self.bot.run_blocking(parse_review_bytes, data, file.filename)
        except ReviewFormatError as exc:
            await tell(interaction, f"Not saved, nothing changed. `{exc}`")
            return
        folder = ReviewFolder(settings.reviews_dir)
        placement = await self.bot.run_blocking(
            folder.place_upload, file.filename, review.episode, await self._indexed()
        )
        replaces = placement_warning(placement)
        if replaces is not None:
            prompt = f"`{placement.path.name}` holds {replaces}. Replace it?"
            if not await self._confirm(interaction, prompt, "Replace", deferred=True):
                return
        await self._change(interaction, placement.path, data, _added(review, placement.path))

    @review.command(name="remove", description="Remove an episode's review (moderators)")
    @app_commands.describe(episode="episode number, or part of its title")
    @app_commands.autocomplete(episode=episode_autocomplete)
    @moderator_only()
    async def remove(self, interaction: discord.Interaction, episode: str) -> None:
        index = await self.bot.index()
        found = await self.bot.run_blocking(index.find_episode, episode)
        path = inside(self.bot.settings.reviews_dir, found.source_name)
        if not await self.bot.run_blocking(path.exists):
            raise ClaimbotError(
                f"`{path.name}` is no longer in the reviews folder; `/reindex` drops its claims"
            )
        prompt = (
            f"Remove the review of **{found.display_name}** (`{path.name}`)? Its claims leave "
            "the index."
        )
        if not await self._confirm(interaction, prompt, "Remove", deferred=False):
            return
        await self._change(interaction, path, None, f"Removed `{path.name}`.")

    async def _indexed(self) -> list[Episode]:
        try:
            index = await self.bot.index()
        except IndexUnusableError:  # nothing indexed yet: the upload will be the first
            return []
        return [s.episode for s in await self.bot.run_blocking(index.episodes)]

    async def _confirm(
        self, interaction: discord.Interaction, prompt: str, action: str, *, deferred: bool
    ) -> bool:
        timeout = self.bot.settings.confirm_timeout
        return await ask_confirmation(interaction, prompt, action, timeout, deferred=deferred)

    async def _change(
        self, interaction: discord.Interaction, path: Path, data: bytes | None, done: str
    ) -> None:
        """Write (or, with None, remove) one review file and reindex, under the reindex lock;
        put the file back if the change cannot be indexed."""
        if self.bot.reindexing.locked():
            await tell(interaction, BUSY)
            return
        async with self.bot.reindexing:
            folder = ReviewFolder(self.bot.settings.reviews_dir)
            swapped = await self.bot.run_blocking(folder.swap, path, data)
            log.info("%s by %s; reindexing", done, interaction.user)
            try:
                summary = await self.bot.reindex()
            except ReindexBusyError as exc:
                await self.bot.run_blocking(swapped.roll_back)
                await tell(interaction, f"{BUSY} ({exc}) Nothing changed.")
                return
            except Exception:
                await self.bot.run_blocking(swapped.roll_back)
                raise
            failure = next((e for e in summary.failed if e.path.name == path.name), None)
            if failure is not None:
                await self.bot.run_blocking(swapped.roll_back)
                await tell(interaction, f"Not indexed, so put back as it was: `{failure}`")
                return
        await self._report(interaction, done, summary)

    async def _report(
        self, interaction: discord.Interaction, done: str, summary: ReindexSummary
    ) -> None:
        await interaction.followup.send(
            cut(done, MESSAGE_LIMIT),  # it may name an episode whose title is very long
            embed=summary_embed(summary),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


def _added(review: ParsedReview, path: Path) -> str:
    claims = len(review.cards)
    return (
        f"Saved `{path.name}`: {review.episode.display_name}, {claims} "
        f"claim{'s' if claims != 1 else ''}."
    )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Review(bot))
