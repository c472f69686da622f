"""The commands' names and descriptions in Chinese, for people whose Discord is set to Chinese (zh-CN, zh-TW):
discord.py sends them with the commands as name_localizations and description_localizations."""

from __future__ import annotations

import discord
from discord import app_commands

# English, as the commands are declared -> (Simplified, Traditional)
COMMANDS: dict[str, tuple[str, str]] = {
    "faq": ("常见问题", "常見問題"),
    "Ask the FAQ (English or Chinese)": ("向 FAQ 提问（中文或英文）", "向 FAQ 提問（中文或英文）"),
    "question": ("问题", "問題"),
    "Your question: pick a suggestion or type your own": ("你的问题：选一个提示，或者自己输入",
                                                          "你的問題：選一個提示，或者自己輸入"),
    "help": ("帮助", "幫助"),
    "How to ask faqbot, and the topics the FAQ covers": ("怎么向 faqbot 提问，以及 FAQ 里的话题",
                                                         "怎麼向 faqbot 提問，以及 FAQ 裡的話題"),
    "Ask FAQ": ("问 FAQ", "問 FAQ"),
}


class Translator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        found = COMMANDS.get(string.message)
        if found is None:
            return None
        if locale is discord.Locale.chinese:  # zh-CN
            return found[0]
        if locale is discord.Locale.taiwan_chinese:  # zh-TW
            return found[1]
        return None
