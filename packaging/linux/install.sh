#!/bin/sh
# Add Bothy to your applications menu (no root needed): run this from the unpacked Bothy folder.
#   ./install.sh            register Bothy where this folder is now (move the folder first if you like)
#   ./install.sh --remove   take the menu entry, icon and `bothy` command away again (keeps your data)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APPS="$DATA/applications"
ICONS="$DATA/icons/hicolor"
BIN="$HOME/.local/bin"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$APPS/bothy.desktop" "$ICONS/256x256/apps/bothy.png" "$ICONS/scalable/apps/bothy.svg" "$BIN/bothy"
  echo "Bothy's menu entry is gone. Your conversations are still in $DATA/Bothy (delete that folder to remove them)."
  exit 0
fi

mkdir -p "$APPS" "$ICONS/256x256/apps" "$ICONS/scalable/apps" "$BIN"
cp "$HERE/bothy.png" "$ICONS/256x256/apps/bothy.png"
[ -f "$HERE/bothy.svg" ] && cp "$HERE/bothy.svg" "$ICONS/scalable/apps/bothy.svg"
# Exec= holds the path in double quotes: inside them " ` $ take a backslash, which the file's own
# string escaping doubles, and a backslash becomes four; a literal % is doubled (Desktop Entry Spec).
quoted=$(printf '%s' "$HERE/Bothy" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g' -e 's/%/%%/g')
{ sed '/^Exec=/d' "$HERE/bothy.desktop"; printf 'Exec="%s"\n' "$quoted"; } > "$APPS/bothy.desktop"
chmod 644 "$APPS/bothy.desktop"
ln -sf "$HERE/Bothy" "$BIN/bothy"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$APPS" >/dev/null 2>&1 || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$ICONS" >/dev/null 2>&1 || true
echo "Bothy is in your applications menu, and \`bothy\` starts it from a terminal (if ~/.local/bin is on your PATH)."
