"""Generated import files for benchmarks and resumption tests: Disqus XML and WordPress WXR exports of
any size, written as a stream (memory stays flat for a million comments), the same for a given seed.

Threads hold `per_thread` comments each; about a third of comments are replies to an earlier comment
of their thread (some several levels deep), the rest top-level. Bodies are short HTML paragraphs.

    python -m bench.generate disqus 100000 out.xml
"""

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

START = datetime(2020, 1, 1, tzinfo=UTC)
WORDS = ("the convoy left at dawn and nobody said a word about where it went while the cameras "
         "kept rolling over the bridge near the river town").split()


def generated_comments(count: int, per_thread: int, seed: int):
    """(thread number, comment number, parent comment number or None, when, words) in order."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        thread = (n - 1) // per_thread + 1
        first_of_thread = (thread - 1) * per_thread + 1
        parent = None
        if n > first_of_thread and rng.random() < 0.35:
            parent = rng.randint(first_of_thread, n - 1)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        yield thread, n, parent, START + timedelta(seconds=n * 37), words


def write_disqus(path: Path, count: int, *, per_thread: int = 100, seed: int = 1) -> None:
    threads = -(-count // per_thread)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for t in range(1, threads + 1):
            out.write(f'<thread dsq:id="{t}"><id>t{t}</id><forum>bench</forum>'
                      f"<link>https://news.example.org/story/{t}/</link>"
                      f"<title>Story number {t}</title>"
                      f"<createdAt>{START.isoformat()}</createdAt></thread>\n")
        for thread, n, parent, when, words in generated_comments(count, per_thread, seed):
            reply = f'<parent dsq:id="{parent}"/>' if parent else ""
            out.write(
                f'<post dsq:id="{n}"><id/><message><![CDATA[<p>{words}</p>]]></message>'
                f"<createdAt>{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</createdAt>"
                "<isDeleted>false</isDeleted><isSpam>false</isSpam>"
                f"<author><name>Reader {n % 997}</name><email>reader{n % 997}@example.org</email>"
                f"<isAnonymous>false</isAnonymous></author>"
                f'<thread dsq:id="{thread}"/>{reply}</post>\n'
            )
        out.write("</disqus>\n")


def write_wxr(path: Path, count: int, *, per_thread: int = 100, seed: int = 1) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench</title>'
            "<link>https://news.example.org</link><wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        current = None
        for thread, n, parent, when, words in generated_comments(count, per_thread, seed):
            if thread != current:
                if current is not None:
                    out.write("</item>\n")
                current = thread
                out.write(
                    f"<item><title>Story number {thread}</title>"
                    f"<link>https://news.example.org/story/{thread}/</link>"
                    f"<wp:post_id>{thread}</wp:post_id><wp:post_type>post</wp:post_type>"
                    f"<wp:status>publish</wp:status><wp:post_name>story-{thread}</wp:post_name>"
                    f"<content:encoded><![CDATA[<p>Story {thread}.</p>]]></content:encoded>\n"
                )
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            out.write(
                f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
                f"<wp:comment_author>{escape(f'Reader {n % 997}')}</wp:comment_author>"
                f"<wp:comment_author_email>reader{n % 997}@example.org</wp:comment_author_email>"
                f"<wp:comment_date_gmt>{stamp}</wp:comment_date_gmt>"
                f"<wp:comment_date>{stamp}</wp:comment_date>"
                f"<wp:comment_content><![CDATA[<p>{words}</p>]]></wp:comment_content>"
                f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                f"<wp:comment_parent>{parent or 0}</wp:comment_parent></wp:comment>\n"
            )
        if current is not None:
            out.write("</item>\n")
        out.write("</channel></rss>\n")


WRITERS = {"disqus": write_disqus, "wxr": write_wxr}

if __name__ == "__main__":
    kind, count, target = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    WRITERS[kind](target, count)
