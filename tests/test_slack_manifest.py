"""slack/manifest.yaml asks for exactly what the adapter uses."""

from __future__ import annotations

import yaml
from support import ROOT

from adapters.slack.blocks import ASK_ABOUT


def test_manifest_asks_for_exactly_what_the_adapter_uses():
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == ["app_mentions:read", "channels:history",
                                                                  "chat:write", "commands", "groups:history",
                                                                  "im:history"]
    assert "user" not in manifest["oauth_config"]["scopes"]
    settings = manifest["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == ["app_home_opened", "app_mention",
                                                                     "message.channels", "message.groups",
                                                                     "message.im"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/faq"]
    assert [(s["type"], s["callback_id"]) for s in manifest["features"]["shortcuts"]] == [("message", ASK_ABOUT)]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # people can DM the bot
