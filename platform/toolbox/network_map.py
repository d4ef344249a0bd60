"""Positions for the network map: the patient in the middle, three rings by closeness.

Pure geometry for a server-rendered SVG; the page also lists every person, so the picture is
never the only way to read the map.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from toolbox.models import NetworkContact

SIZE = 480
CENTRE = SIZE / 2
RING_RADII = {1: 70, 2: 135, 3: 200}


@dataclass
class Placed:
    contact: NetworkContact
    x: float
    y: float
    label_y: float


@dataclass
class NetworkMap:
    size: int
    centre: float
    rings: list[tuple[int, int]]
    placed: list[Placed]


def network_map(contacts: list[NetworkContact]) -> NetworkMap:
    by_ring: dict[int, list[NetworkContact]] = defaultdict(list)
    for contact in contacts:
        by_ring[contact.closeness].append(contact)
    placed = []
    for ring, members in by_ring.items():
        radius = RING_RADII.get(ring, RING_RADII[3])
        # Rotate each ring a little so names on neighbouring rings do not line up.
        offset = -math.pi / 2 + ring * 0.35
        for index, contact in enumerate(members):
            angle = offset + 2 * math.pi * index / len(members)
            x = round(CENTRE + radius * math.cos(angle), 1)
            y = round(CENTRE + radius * math.sin(angle), 1)
            placed.append(Placed(contact=contact, x=x, y=y, label_y=round(y + 22, 1)))
    return NetworkMap(size=SIZE, centre=CENTRE, rings=sorted(RING_RADII.items()), placed=placed)
