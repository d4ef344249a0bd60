#!/bin/sh
# Regenerates media/calm-breathing.ogg from pages/stress-breathing-transcript.md with an offline
# speech engine, so the recording always says exactly what the transcript shows.
#
# Needs: espeak-ng and sox with Ogg Vorbis support (Debian: apt-get install espeak-ng sox
# libsox-fmt-all). Output: mono, 16 kHz, Ogg Vorbis, well under 2 MB.
#
# Each paragraph of the transcript is spoken slowly (counts get a one-second pause after each
# number), followed by a silence to breathe in; the "few more breaths" paragraph gets a longer one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
transcript="$here/pages/stress-breathing-transcript.md"
out="$here/media/calm-breathing.ogg"
voice="${VOICE:-en-gb}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
# Paragraphs are separated by blank lines; one paragraph per line after this awk.
awk 'BEGIN { RS = ""; ORS = "\n" } { gsub(/\n/, " "); print }' "$transcript" > "$work/paragraphs"
while IFS= read -r paragraph; do
    n=$((n + 1))
    # Strip Markdown emphasis; a pause after each counted number.
    text=$(printf '%s' "$paragraph" | sed -e 's/[*_`#]//g' \
        -e 's/\b\(one\|two\|three\|four\|five\|six\)\([,.]\)/\1\2<break time="1s"\/>/g')
    espeak-ng -v "$voice" -s 135 -p 40 -m -w "$work/raw-$n.wav" "<speak>$text</speak>"
    case "$paragraph" in
        *"few more breaths"*) pause=20 ;;
        *) pause=4 ;;
    esac
    sox "$work/raw-$n.wav" -r 16000 -c 1 "$work/part-$(printf %02d "$n").wav" pad 0.5 "$pause"
done < "$work/paragraphs"

sox "$work"/part-*.wav -r 16000 -c 1 -C 0 "$out" fade t 0.3 0 0.5
echo "wrote $out ($(wc -c < "$out") bytes, $(soxi -D "$out") seconds)"
