"""`bothy history`: list, show, search, export, import and delete conversations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
            messages = store.messages(args.id)
            if args.json:
                marks = store.context_marks(args.id)  # each covers first_message_id..last_message_id
                summaries = [{key: value for key, value in mark.items() if key != "conversation_id"} for mark in marks]
                notes = store.memory_notes(args.id, with_global=False)
                print_json(
                    {"conversation": conversation, "messages": messages, "summaries": summaries, "memory_notes": notes}
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
            try:
                data = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except OSError as exc:
                raise UserFacingError(f"Could not read {args.file}: {exc.strerror}.") from None
            except ValueError as exc:
                raise UserFacingError(f"{args.file} is not a JSON file ({exc}).") from None
            new_ids = store.import_data(data)  # one conversation, or a whole "Export all" file
            if args.json:
                print_json({"conversation_id": new_ids[0] if len(new_ids) == 1 else None, "conversation_ids": new_ids})
            elif len(new_ids) == 1:
                print(f"Imported as conversation {new_ids[0]}.")
            else:
                print(f"Imported {len(new_ids)} conversations ({new_ids[0]}–{new_ids[-1]}).")
        elif action == "delete":
            _conversation(store, args.id)
            store.delete_conversation(args.id)
            print(f"Deleted conversation {args.id}.")
        return 0
    finally:
        store.close()


def _conversation(store, conversation_id):
    return store.get_conversation(conversation_id)  # NotFoundError says there is none
