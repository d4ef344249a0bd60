"""The bare ``websockets`` relay: a frame sent on path P goes to every socket on path P.

Run as its own process: ``python -m bench.bare_ws PORT``; prints ``ready`` once listening and
stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import defaultdict

from websockets.asyncio.server import broadcast, serve

rooms: dict[str, set] = defaultdict(set)


async def handler(ws):
    room = rooms[ws.request.path]
    room.add(ws)
    try:
        async for message in ws:
            broadcast(room, message)
    finally:
        room.discard(ws)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, ping_interval=None, max_size=2**16):
        print("ready", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
