"""`bothy history`: list, show, search, export, import and delete conversations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.cli.history_import import cmd_export_all, cmd_import
from assistant.cli.output import open_store, print_json
from assistant.errors import UserFacingError


def cmd_history(args) -> int:
    store = open_store()
    store.recover_interrupted()  # a reply whose writer died shows as interrupted, not streaming forever
    try:
        action = args.history_command
        if action == "list":
            rows = store.list_conversations(limit=args.limit)
            if args.json:
                print_json(rows)
            for c in [] if args.json else rows:
                pin = "*" if c.get("pinned") else " "
                print(f"{c['id']:>6} {pin} {c['updated'][:16]}  {c.get('title') or '(untitled)'}")
        elif action == "show":
            conversation = _conversation(store, args.id)
            if args.json:
                marks = store.context_marks(args.id)  # each covers first_message_id..last_message_id
                summaries = [{key: value for key, value in mark.items() if key != "conversation_id"} for mark in marks]
                notes = store.memory_notes(args.id, with_global=False)
                print_json(
                    {
                        **conversation,
                        "conversation": conversation,
                        "messages": store.tree(args.id),  # every branch; "active": on the active path
                        "summaries": summaries,
                        "memory_notes": notes,
                    }
                )
            else:
                print(store.export_markdown(args.id))
        elif action == "search":
            hits = store.search(args.query, limit=args.limit)
            if args.json:
                print_json(hits)
            for h in [] if args.json else hits:
                title = h.get("conversation_title") or ""
                print(f"{h['conversation_id']:>6} #{h['message_id']:<7} {title}: {h['snippet']}")
            if not hits and not args.json:
                print("No messages match.", file=sys.stderr)
        elif action == "export":
            if args.all:
                return cmd_export_all(store, args.output)
            if args.id is None:
                raise UserFacingError("Say which conversation to export (its id), or --all for every one.")
            _conversation(store, args.id)
            text = (
                store.export_markdown(args.id)
                if args.format == "md"
                else json.dumps(store.export_json(args.id), ensure_ascii=False, indent=2)
            )
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                print(text)
        elif action == "import":
            return cmd_import(store, args.files, as_json=args.json)
        elif action == "delete":
            _conversation(store, args.id)
            store.delete_conversation(args.id)
            print(f"Deleted conversation {args.id}.")
        return 0
    finally:
        store.close()


def _conversation(store, conversation_id):
    return store.get_conversation(conversation_id)  # NotFoundError says there is none
