"""Every Big Data Bowl release's exact schema (quirks included) imports to the same normalised play as
the same play written in the NGS highlights format.

One synthetic dropback (tests/conftest.py `synthetic_rows`, moving left on the field) is written, in code, as
each release's tracking file plus its companion tables, and as an NGS highlights TSV. Both go through
`replay.importer`; positions, angles, snap time, events, roles and the target must agree.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_rows

from replay.errors import InputError, PlayError
from replay.field_frame import FIELD
from replay.importer import import_paths, iter_plays
from replay.index import update_index
from replay.readers import READERS, bdb2019, bdb2025
from replay.readers.base import Reader
from replay.readers.detect import companion_kind, tracking_reader
from replay.roles import passer
from replay.store import PlayStore

GID, PID = 2021091200, 55
OFF, DEF = "ARI", "LA"  # written as the aliases ARZ / LAR in some tables
RELEASE_FRAME = 36
NAMES = {1000: "Kyler Murray", 1001: "Rodney Hudson", 1002: "Justin Pugh", 1003: "Will Hernandez",
         1004: "DJ Humphries", 1005: "Kelvin Beachum", 1006: "DeAndre Hopkins", 1007: "Marquise Brown",
         1008: "Rondale Moore", 1009: "Zach Ertz", 1010: "James Conner",
         2000: "Leonard Floyd", 2001: "Aaron Donald", 2002: "Greg Gaines", 2003: "Justin Hollins",
         2004: "Ernest Jones", 2005: "Bobby Wagner", 2006: "Terrell Lewis", 2007: "Jalen Ramsey",
         2008: "Troy Hill", 2009: "Nick Scott", 2010: "Taylor Rapp"}
HEIGHT_IN = {n: 70 + (n % 9) for n in NAMES}
DESCRIPTION = "(10:00) (Shotgun) K.Murray pass short right to D.Hopkins to LA 45 for 12 yards (J.Ramsey)."
TARGET = 1006
HOME_PTS, AWAY_PTS = 17, 24  # before the snap; the offense (ARI) is the home team: 7 points down
# What the tracks say (and assembly infers for the NGS play): the table-given roles must agree.
ROLE = {**{n: "blocker" for n in (1001, 1002, 1003, 1004, 1005, 1010)}, 1000: "passer",
        **{n: "route_runner" for n in (1006, 1007, 1008, 1009)},
        **{n: "pass_rusher" for n in (2000, 2001, 2002, 2003)},
        **{n: "coverage" for n in range(2004, 2011)}}
PFF_LABEL = {"passer": "Pass", "blocker": "Pass Block", "route_runner": "Pass Route", "pass_rusher": "Pass Rush",
             "coverage": "Coverage"}


# ---------------------------------------------------------------- the common play

def base(play_id: int = PID, direction: str = "left") -> tuple[pd.DataFrame, dict]:
    """The common play in canonical long rows (raw field coordinates), rounded as files store them."""
    rows, info = synthetic_rows(direction=direction)
    rows = rows.copy()
    for c in ("x", "y", "s", "o", "dir"):
        rows[c] = rows[c].round(2)
    rows["name"] = [NAMES.get(int(n), "football") if n == n else "football" for n in rows.nfl_id]
    rows["team"] = np.where(rows.is_ball, "", np.where(rows.side == "off", OFF, DEF))
    rows["play_id"] = play_id
    # events repeat on every row of their frame, as in the BDB files
    ev = rows[rows.event != ""].set_index("frame_id")["event"]
    rows["event"] = rows.frame_id.map(ev).fillna("")
    rows["a"] = 0.5
    return rows.reset_index(drop=True), info


def ngs_tsv(rows: pd.DataFrame, info: dict) -> pd.DataFrame:
    ball = rows.is_ball.to_numpy()
    off = (rows.side == "off").to_numpy()
    return pd.DataFrame({
        "gameId": GID, "playId": rows.play_id, "playType": "play_type_pass", "season": 2021, "seasonType": "REG",
        "week": 1, "preSnapHomeScore": HOME_PTS, "preSnapVisitorScore": AWAY_PTS, "playDirection": info["direction"],
        "quarter": 1, "gameClock": "10:00", "down": 1, "yardsToGo": 10, "yardline": f"{OFF} 30",
        "yardlineSide": OFF, "yardlineNumber": 30, "absoluteYardlineNumber": int(info["los_raw"]),
        "possessionFlag": np.where(ball, np.nan, off.astype(float)),
        "homeTeamFlag": np.where(ball, np.nan, off.astype(float)),
        "teamAbbr": np.where(ball, "", rows.team), "frame": rows.frame_id - 1,
        "displayName": np.where(ball, "ball", rows.name), "esbId": "", "gsisId": "",
        "jerseyNumber": rows.jersey, "nflId": rows.nfl_id, "position": rows.position, "positionGroup": "",
        "time": "2021-09-12 20:00:00.000", "x": rows.x, "y": rows.y, "s": rows.s,
        "o": np.where(ball, np.nan, rows.o), "dir": np.where(ball, np.nan, rows.dir),
        "event": np.where(ball, rows.event, ""), "playDescription": DESCRIPTION,
    })


def players_table(style: str) -> pd.DataFrame:
    """players.csv of a release: its position column name and its height format."""
    ids = sorted(NAMES)
    pos = {**dict(zip(range(1000, 1011), ["QB", "C", "G", "G", "T", "T", "WR", "WR", "WR", "TE", "RB"])),
           **dict(zip(range(2000, 2011), ["DE", "DT", "DT", "DE", "OLB", "ILB", "OLB", "CB", "CB", "SS", "FS"]))}
    h = [HEIGHT_IN[n] for n in ids]
    if style == "2019":
        return pd.DataFrame({"nflId": ids, "FirstName": [NAMES[n].split(" ", 1)[0] for n in ids],
                             "LastName": [NAMES[n].split(" ", 1)[1] for n in ids],
                             "PositionAbbr": [pos[n] for n in ids], "EntryYear": 2015, "DraftRound": 1,
                             "DraftNumber": 1, "Height": [f"{i // 12}'{i % 12:02d}\"" for i in h],
                             "Weight": 220, "College": "State"})
    # BDB 2021 mixes "6-2" and plain inches; later releases use "6-2"
    heights = [(f"{i // 12}-{i % 12}" if (style != "2021" or k % 2) else str(i)) for k, i in enumerate(h)]
    if style == "2024":  # a spreadsheet-mangled copy: 6-2 became "2-Jun"
        heights = [f"{i % 12}-Jun" if i // 12 == 6 and i % 12 else x for i, x in zip(h, heights)]
    pos_col = {"2021": "position", "2022": "Position", "2023": "officialPosition"}.get(style, "position")
    return pd.DataFrame({"nflId": ids, "height": heights, "weight": 220, "birthDate": "1995-01-01",
                         "collegeName": "State", pos_col: [pos[n] for n in ids],
                         "displayName": [NAMES[n] for n in ids]})


def games_table(style: str) -> pd.DataFrame:
    if style == "2019":
        return pd.DataFrame({"season": [2021], "week": [1], "gameDate": ["09/12/2021"], "gameId": [GID],
                             "gameTimeEastern": ["16:05:00"], "HomeScore": [0], "VisitorScore": [0],
                             "homeTeamAbbr": [OFF], "visitorTeamAbbr": [DEF], "homeDisplayName": ["Cardinals"],
                             "visitorDisplayName": ["Rams"], "Stadium": ["S"], "Location": ["L"],
                             "StadiumType": ["Outdoor"], "Turf": ["Grass"], "GameLength": ["03:00:00"],
                             "GameWeather": ["Sunny"], "Temperature": [70], "Humidity": [20], "WindSpeed": [3],
                             "WindDirection": ["N"]})
    return pd.DataFrame({"gameId": [GID], "season": [2021], "week": [1], "gameDate": ["09/12/2021"],
                         "gameTimeEastern": ["16:05:00"], "homeTeamAbbr": [OFF], "visitorTeamAbbr": [DEF]})


def play_fields(info: dict, play_id: int = PID, possession: str = OFF) -> dict:
    return {"gameId": GID, "playId": play_id, "playDescription": DESCRIPTION, "quarter": 1, "down": 1,
            "yardsToGo": 10, "possessionTeam": possession, "yardlineSide": OFF, "yardlineNumber": 30,
            "absoluteYardlineNumber": int(info["los_raw"]), "passResult": "C"}


def with_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Exact duplicate rows right after the originals (the play stays contiguous)."""
    return pd.concat([df, df.iloc[100:140]], ignore_index=True)


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    text = df.to_csv(index=False, na_rep="NA")
    if path.suffix == ".gz":
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


# ---------------------------------------------------------------- one writer per release

def bdb2019_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    ball = rows.is_ball
    track = pd.DataFrame({
        "time": "2021-09-12 20:00:00", "x": rows.x, "y": rows.y, "s": rows.s, "dis": 0.1,
        "dir": np.where(ball, np.nan, rows.dir), "event": rows.event.replace("", np.nan), "nflId": rows.nfl_id,
        "displayName": rows.name, "jerseyNumber": rows.jersey,
        "team": np.where(ball, "ball", np.where(rows.side == "off", "home", "away")),
        "frame.id": rows.frame_id, "gameId": GID, "playId": rows.play_id})
    plays = pd.DataFrame([{"gameId": GID, "playId": PID, "quarter": 1, "GameClock": "10:00:00", "down": 1,
                           "yardsToGo": 10, "possessionTeam": "ARZ", "yardlineSide": "ARZ", "yardlineNumber": 30,
                           "offenseFormation": "SHOTGUN", "personnel.offense": "1 RB, 1 TE, 3 WR",
                           "defendersInTheBox": 6, "numberOfPassRushers": 4, "personnel.defense": "4 DL, 2 LB, 5 DB",
                           "HomeScoreBeforePlay": HOME_PTS, "VisitorScoreBeforePlay": AWAY_PTS, "HomeScoreAfterPlay": 0,
                           "VisitorScoreAfterPlay": 0, "isPenalty": False, "isSTPlay": False,
                           "SpecialTeamsPlayType": np.nan, "KickReturnYardage": np.nan, "PassLength": 8,
                           "PassResult": "C", "YardsAfterCatch": 4, "PlayResult": 12,
                           "playDescription": DESCRIPTION}])
    return {f"tracking_gameId_{GID}.csv": with_duplicates(track), "plays.csv": plays,
            "games.csv": games_table("2019"), "players.csv": players_table("2019")}


def bdb2021_files(rows: pd.DataFrame, info: dict, off_field_frame: int = 20) -> dict[str, pd.DataFrame]:
    ball = rows.is_ball
    y = rows.y.copy()
    y[ball & (rows.frame_id == off_field_frame)] = 61.5  # the "wonky" ball, off the field during the play
    route = np.where(rows.position.isin(["WR", "TE"]), "GO", None)
    track = pd.DataFrame({
        "time": "2021-09-12T20:00:00.000Z", "x": rows.x, "y": y, "s": rows.s, "a": rows.a, "dis": 0.1,
        "o": np.where(ball, np.nan, rows.o), "dir": np.where(ball, np.nan, rows.dir),
        "event": rows.event.replace("", "None"), "nflId": rows.nfl_id,
        "displayName": np.where(ball, "Football", rows.name), "jerseyNumber": rows.jersey,
        "position": np.where(ball, None, rows.position.astype(object)), "frameId": rows.frame_id,
        "team": np.where(ball, "football", np.where(rows.side == "off", "home", "away")),
        "gameId": GID, "playId": rows.play_id, "playDirection": info["direction"],
        "route": route})
    p = play_fields(info)
    plays = pd.DataFrame([{**p, "playType": "play_type_pass", "offenseFormation": "SHOTGUN", "personnelO": "",
                           "defendersInTheBox": 6, "numberOfPassRushers": 4, "personnelD": "", "typeDropback":
                           "TRADITIONAL", "preSnapVisitorScore": AWAY_PTS, "preSnapHomeScore": HOME_PTS,
                           "gameClock": "10:00:00",
                           "penaltyCodes": np.nan, "penaltyJerseyNumbers": np.nan, "offensePlayResult": 12,
                           "playResult": 12, "epa": 0.8, "isDefensivePI": False}])
    return {"week1.csv": with_duplicates(track), "plays.csv": plays, "games.csv": games_table("2021"),
            "players.csv": players_table("2021"),
            "targetedReceiver.csv": pd.DataFrame({"gameId": [GID], "playId": [PID], "targetNflId": [TARGET]})}


def bdb2022_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    ball = rows.is_ball
    track = pd.DataFrame({
        "time": "2021-09-12T20:00:00.000", "x": rows.x, "y": rows.y, "s": rows.s, "a": rows.a, "dis": 0.1,
        "o": np.where(ball, np.nan, rows.o), "dir": np.where(ball, np.nan, rows.dir),
        "event": rows.event.replace("", "None"), "nflId": rows.nfl_id,
        "displayName": np.where(ball, "football", rows.name), "jerseyNumber": rows.jersey,
        "position": np.where(ball, None, rows.position.astype(object)),
        "team": np.where(ball, "football", np.where(rows.side == "off", "home", "away")),
        "frameId": rows.frame_id, "gameId": GID, "playId": rows.play_id, "playDirection": info["direction"]})
    p = play_fields(info)
    # a fake punt: a special-teams play whose result is a scrimmage pass
    plays = pd.DataFrame([{**p, "specialTeamsPlayType": "Punt", "specialTeamsResult": "Non-Special Teams Result",
                           "kickerId": np.nan, "returnerId": np.nan, "kickBlockerId": np.nan,
                           "penaltyCodes": np.nan, "penaltyJerseyNumbers": np.nan, "penaltyYards": np.nan,
                           "preSnapHomeScore": HOME_PTS, "preSnapVisitorScore": AWAY_PTS, "gameClock": "10:00",
                           "kickLength": np.nan, "kickReturnYardage": np.nan, "playResult": 12}])
    pff = pd.DataFrame({"gameId": [GID], "playId": [PID], "snapDetail": ["OK"], "snapTime": [0.8],
                        "operationTime": [2.1], "hangTime": [np.nan], "kickType": ["F"]})
    return {"tracking2018.csv": track, "plays.csv": plays, "games.csv": games_table("2022"),
            "players.csv": players_table("2022"), "PFFScoutingData.csv": pff}


def bdb2023_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    ball = rows.is_ball
    ev = rows.event.replace("", "None").copy()
    snap = rows[rows.event == "ball_snap"].frame_id.iloc[0]
    # duplicate auto events: the auto snap a frame early next to the manual one; an auto pass_forward a frame late
    ev[rows.frame_id == snap - 1] = "autoevent_ballsnap"
    ev[rows.frame_id == RELEASE_FRAME + 1] = "autoevent_passforward"
    track = pd.DataFrame({
        "gameId": GID, "playId": rows.play_id, "nflId": rows.nfl_id, "frameId": rows.frame_id,
        "time": "2021-09-12T20:00:00.100", "jerseyNumber": rows.jersey,
        "team": np.where(ball, "football", np.where(rows.side == "off", OFF, "LAR")),
        "playDirection": info["direction"], "x": rows.x, "y": rows.y, "s": rows.s, "a": rows.a, "dis": 0.1,
        "o": np.where(ball, np.nan, rows.o), "dir": np.where(ball, np.nan, rows.dir), "event": ev})
    p = play_fields(info, possession="ARZ")
    plays = pd.DataFrame([{**p, "defensiveTeam": "LAR", "gameClock": "10:00", "preSnapHomeScore": HOME_PTS,
                           "preSnapVisitorScore": AWAY_PTS, "penaltyYards": np.nan, "prePenaltyPlayResult": 12,
                           "playResult": 12, "foulName1": np.nan, "foulNFLId1": np.nan,
                           "offenseFormation": "SHOTGUN", "personnelO": "", "defendersInBox": 6, "personnelD": "",
                           "dropBackType": "TRADITIONAL", "pff_playAction": 0, "pff_passCoverage": "Cover-3",
                           "pff_passCoverageType": "Zone"}])
    cases = {"passer": "Pass", "blocker": "Pass block", "route_runner": "PASS ROUTE", "pass_rusher": "Pass Rush",
             "coverage": "coverage"}  # capitalisation drifts between data and README: matched case-insensitively
    ids = sorted(NAMES)
    pff = pd.DataFrame({"gameId": GID, "playId": PID, "nflId": ids, "pff_role": [cases[ROLE[n]] for n in ids],
                        "pff_positionLinedUp": "X", "pff_hit": [1 if n == 2001 else 0 for n in ids],
                        "pff_hurry": 0, "pff_sack": 0, "pff_beatenByDefender": np.nan, "pff_hitAllowed": np.nan,
                        "pff_hurryAllowed": np.nan, "pff_sackAllowed": np.nan, "pff_nflIdBlockedPlayer": np.nan,
                        "pff_blockType": ["PP" if ROLE[n] == "blocker" else np.nan for n in ids],
                        "pff_backFieldBlock": np.nan})
    return {"week1.csv.gz": with_duplicates(track), "plays.csv": plays, "games.csv": games_table("2023"),
            "players.csv": players_table("2023"), "pffScoutingData.csv": pff}


def _bdb2024_track(rows: pd.DataFrame, info: dict, frame_type: bool = False) -> pd.DataFrame:
    ball = rows.is_ball
    d = {"gameId": GID, "playId": rows.play_id, "nflId": rows.nfl_id,
         "displayName": np.where(ball, "football", rows.name), "frameId": rows.frame_id}
    if frame_type:
        snap = 11
        d["frameType"] = np.where(rows.frame_id < snap, "BEFORE_SNAP",
                                  np.where(rows.frame_id == snap, "SNAP", "AFTER_SNAP"))
    d.update({"time": [f"2021-09-12 20:00:{f // 10:02d}.{(f % 10) * 100000 - (f % 3 == 0):06d}"
                       for f in rows.frame_id],  # jitter: .299999
              "jerseyNumber": np.where(ball, np.nan, rows.jersey),
              "club": np.where(ball, "football", np.where(rows.side == "off", OFF, "LAR")),
              "playDirection": info["direction"], "x": rows.x, "y": rows.y, "s": rows.s, "a": rows.a, "dis": 0.1,
              "o": np.where(ball, np.nan, rows.o), "dir": np.where(ball, np.nan, rows.dir),
              "event": rows.event.replace("", np.nan)})
    return pd.DataFrame(d)


def bdb2024_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    # play PID has its snap; play PID+1 is the same play without a ball_snap, starting at frame 5; play PID+2
    # starts after the throw (frame 40), as some 2024 plays start near the catch
    r2, _ = base(PID + 1)
    r2 = r2[r2.frame_id >= 5].copy()
    r2["event"] = r2.event.replace("ball_snap", "")
    r3, _ = base(PID + 2)
    r3 = r3[r3.frame_id >= 40].copy()
    track = pd.concat([with_duplicates(_bdb2024_track(rows, info)), _bdb2024_track(r2, info),
                       _bdb2024_track(r3, info)], ignore_index=True)
    p = [play_fields(info, PID, "ARZ"), play_fields(info, PID + 1, "ARZ"), play_fields(info, PID + 2, "ARZ")]
    plays = pd.DataFrame([{**q, "ballCarrierId": TARGET, "ballCarrierDisplayName": NAMES[TARGET],
                           "defensiveTeam": "LAR", "gameClock": "10:00", "preSnapHomeScore": HOME_PTS,
                           "preSnapVisitorScore": AWAY_PTS, "passLength": 8, "penaltyYards": np.nan,
                           "prePenaltyPlayResult": 12, "playResult": 12, "playNullifiedByPenalty": "N",
                           "offenseFormation": "SHOTGUN", "defendersInTheBox": 6, "passProbability": 0.8,
                           "visitorTeamWinProbilityAdded": 0.01, "expectedPoints": 1.2} for q in p])
    tackles = pd.DataFrame({"gameId": GID, "playId": PID, "nflId": [2007, 2009], "tackle": [1, 0],
                            "assist": [0, 1], "forcedFumble": [0, 0], "pff_missedTackle": [0, 0]})
    games = games_table("2024").assign(homeFinalScore=20, visitorFinalScore=17)
    return {"tracking_week_1.csv": track, "plays.csv": plays, "games.csv": games,
            "players.csv": players_table("2024"), "tackles.csv": tackles}


def bdb2025_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    r2, _ = base(PID + 1)
    r2["event"] = r2.event.replace("ball_snap", "")  # no snap event: the SNAP frame says when
    track = pd.concat([_bdb2024_track(rows, info, frame_type=True), _bdb2024_track(r2, info, frame_type=True)],
                      ignore_index=True)
    p = [play_fields(info, PID), play_fields(info, PID + 1)]
    plays = pd.DataFrame([{**q, "defensiveTeam": "LAR", "gameClock": "10:00", "preSnapHomeScore": HOME_PTS,
                           "preSnapVisitorScore": AWAY_PTS, "playNullifiedByPenalty": "N",
                           "offenseFormation": "SHOTGUN",
                           "receiverAlignment": "3x1", "playClockAtSnap": 7, "passLength": 8, "targetX": 70.1,
                           "targetY": 30.2, "playAction": False, "dropbackType": "TRADITIONAL",
                           "dropbackDistance": 6.0, "passLocationType": "INSIDE_BOX", "timeToThrow": 2.5,
                           "timeInTackleBox": 2.5, "timeToSack": np.nan, "passTippedAtLine": False,
                           "unblockedPressure": False, "isDropback": True, "pff_passCoverage": "Cover-3",
                           "pff_manZone": "Zone", "yardsGained": 12} for q in p])
    ids = sorted(NAMES)
    pp = []
    for play_id in (PID, PID + 1):
        for n in ids:
            off = n < 2000
            pp.append({"gameId": GID, "playId": play_id, "nflId": n, "teamAbbr": "ARZ" if off else "LAR",
                       "hadDropback": int(n == 1000), "wasTargettedReceiver": int(n == TARGET) if off else 0,
                       "hadPassReception": int(n == TARGET),
                       "wasInitialPassRusher": (1 if ROLE[n] == "pass_rusher" else 0) if not off else np.nan,
                       "causedPressure": (n == 2001) if not off else np.nan,
                       "timeToPressureAsPassRusher": 2.1 if n == 2001 else np.nan,
                       "getOffAsPassRusher": 0.8 if ROLE[n] == "pass_rusher" else np.nan,
                       "wasRunningRoute": (1 if ROLE[n] == "route_runner" else np.nan) if off else np.nan,
                       "routeRan": "GO" if ROLE[n] == "route_runner" else np.nan,
                       "inMotionAtBallSnap": False, "pff_defensiveCoverageAssignment":
                           "3M" if ROLE[n] == "coverage" else np.nan})
    return {"tracking_week_1.csv": track, "plays.csv": plays, "games.csv": games_table("2025"),
            "players.csv": players_table("2025"), "player_play.csv": pd.DataFrame(pp)}


# The release documents four player_role values; linemen and the back get none in this fixture (roles inferred).
ROLE_2026 = {"passer": "Passer", "route_runner": "Other Route Runner", "coverage": "Defensive Coverage"}
PREDICT = (TARGET, 2007, 2008, 2009)


def bdb2026_files(rows: pd.DataFrame, info: dict) -> dict[str, pd.DataFrame]:
    players = rows[~rows.is_ball]
    last = RELEASE_FRAME
    inp = players[players.frame_id <= last]
    out = players[(players.frame_id > last) & players.nfl_id.isin(PREDICT)]
    ball = rows[rows.is_ball].set_index("frame_id")
    n_out = int(out.frame_id.max()) - last
    role = [("Targeted Receiver" if n == TARGET else ROLE_2026.get(ROLE[int(n)], np.nan)) for n in inp.nfl_id]
    input_df = pd.DataFrame({
        "game_id": GID, "play_id": inp.play_id, "player_to_predict": inp.nfl_id.isin(PREDICT),
        "nfl_id": inp.nfl_id.astype(int), "frame_id": inp.frame_id, "play_direction": info["direction"],
        "absolute_yardline_number": int(info["los_raw"]), "player_name": inp.name,
        "player_height": [f"{HEIGHT_IN[int(n)] // 12}-{HEIGHT_IN[int(n)] % 12}" for n in inp.nfl_id],
        "player_weight": 220, "player_birth_date": "1995-01-01", "player_position": inp.position,
        "player_side": np.where(inp.side == "off", "Offense", "Defense"), "player_role": role,
        "x": inp.x, "y": inp.y, "s": inp.s, "a": inp.a, "o": inp.o, "dir": inp.dir, "num_frames_output": n_out,
        "ball_land_x": ball.x[last + n_out], "ball_land_y": ball.y[last + n_out]})
    output_df = pd.DataFrame({"game_id": GID, "play_id": out.play_id, "nfl_id": out.nfl_id.astype(int),
                              "frame_id": out.frame_id - last, "x": out.x, "y": out.y})
    supp = pd.DataFrame([{"game_id": GID, "season": 2023, "week": 1, "game_date": "09/10/2023",
                          "game_time_eastern": "16:05:00", "home_team_abbr": OFF, "visitor_team_abbr": "LAR",
                          "home_final_score": 20, "visitor_final_score": 17, "play_id": PID,
                          "play_description": DESCRIPTION, "quarter": 1, "game_clock": "10:00", "down": 1,
                          "yards_to_go": 10, "possession_team": "ARZ", "defensive_team": "LAR",
                          "yardline_side": OFF, "yardline_number": 30, "pre_snap_home_score": HOME_PTS,
                          "pre_snap_visitor_score": AWAY_PTS, "pass_result": "C", "play_nullified_by_penalty": "N",
                          "pass_length": 8, "offense_formation": "SHOTGUN", "receiver_alignment": "3x1",
                          "route_of_targeted_receiver": "GO", "play_action": False, "dropback_type": "TRADITIONAL",
                          "dropback_distance": 6.0, "pass_location_type": "INSIDE_BOX", "defenders_in_the_box": 6,
                          "team_coverage_man_zone": "ZONE_COVERAGE", "team_coverage_type": "COVER_3_ZONE",
                          "penalty_yards": np.nan, "pre_penalty_yards_gained": 12, "yards_gained": 12,
                          "expected_points": 1.2, "expected_points_added": 0.8,
                          "visitor_team_win_probility_added": 0.01}])
    return {"train/input_2023_w01.csv": input_df, "train/output_2023_w01.csv": output_df,
            "supplementary_data.csv": supp}


WRITERS = {"bdb2019": bdb2019_files, "bdb2021": bdb2021_files, "bdb2022": bdb2022_files,
           "bdb2023": bdb2023_files, "bdb2024": bdb2024_files, "bdb2025": bdb2025_files,
           "bdb2026": bdb2026_files}
ZIPPED = {"bdb2026", "bdb2025"}  # whole downloads as one .zip (bdb2023 writes its week file as .gz)


def write_release(name: str, folder: Path) -> Path:
    """The release's files for the common play, in `folder` (or in `folder/<name>.zip`); the path to import."""
    rows, info = base()
    files = WRITERS[name](rows, info)
    folder.mkdir(parents=True, exist_ok=True)
    if name in ZIPPED:
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for fname, df in files.items():
                z.writestr(fname, df.to_csv(index=False, na_rep="NA"))
        return path
    for fname, df in files.items():
        write_csv(df, folder / fname)
    return folder


@pytest.fixture(scope="module")
def ngs_play(tmp_path_factory):
    rows, info = base()
    path = tmp_path_factory.mktemp("ngs") / "play.tsv"
    path.write_text(ngs_tsv(rows, info).to_csv(sep="\t", index=False))
    plays = list(iter_plays([path]))
    assert len(plays) == 1 and not isinstance(plays[0], PlayError), plays
    return plays[0]


def _import(name: str, tmp_path: Path) -> dict[str, object]:
    path = write_release(name, tmp_path / name)
    store = PlayStore(tmp_path / f"store_{name}")
    result = import_paths([path], store)
    assert not result.skipped, result.skipped
    assert f"{GID}:{PID}" in result.imported, (result.imported, result.skipped, result.ignored)
    assert not result.ignored, result.ignored  # every table of the release is recognised
    assert not result.warnings, result.warnings
    return {k: store.load(k) for k in result.imported}


# ---------------------------------------------------------------- acceptance: same play, every release

HAS_O = {"bdb2019": False}


@pytest.mark.parametrize("name", list(WRITERS))
def test_bdb_release_imports_like_ngs(name, tmp_path, ngs_play):
    plays = _import(name, tmp_path)
    play = plays[f"{GID}:{PID}"]
    ref = ngs_play
    assert play.meta.source_format == name
    assert list(play.roster.nfl_id) == list(ref.roster.nfl_id)
    assert play.meta.play_direction == "left" and play.meta.offense_team == OFF and play.meta.defense_team == DEF
    assert play.meta.los_x == pytest.approx(ref.meta.los_x) == pytest.approx(40.0)
    assert play.meta.first_down_x == pytest.approx(50.0)
    assert play.meta.game_clock == "10:00" and play.meta.down == 1 and play.meta.distance == 10
    assert play.meta.play_type == "pass" and play.meta.pass_result == "C"
    assert play.meta.target_nfl_id == TARGET == ref.meta.target_nfl_id
    assert (play.meta.home_score, play.meta.away_score) == (ref.meta.home_score, ref.meta.away_score) == (17, 24)
    assert play.meta.score_diff == ref.meta.score_diff == HOME_PTS - AWAY_PTS
    assert update_index(PlayStore(tmp_path / f"store_{name}")).rows[0]["score_diff"] == -7  # stored, then indexed

    # frames: every release but 2026 covers the whole play; 2026 ends where its output ends
    common = np.intersect1d(play.frame_id, ref.frame_id)
    assert len(common) >= RELEASE_FRAME + 20
    a = np.searchsorted(play.frame_id, common)
    b = np.searchsorted(ref.frame_id, common)
    np.testing.assert_array_equal(play.t[a], ref.t[b])  # same snap: time 0 on the same frame
    fields = ["x", "y", "dir"] + (["o"] if HAS_O.get(name, True) else [])
    for f in fields:
        got, want = getattr(play, f)[a], getattr(ref, f)[b]
        seen = ~np.isnan(got)
        if name == "bdb2026":  # after the throw only the players to predict, and x/y only
            assert seen[: RELEASE_FRAME].all()
        else:
            assert seen.all(), f
        np.testing.assert_allclose(got[seen], want[seen], atol=1e-4, err_msg=f"{name}: {f}")
    if name == "bdb2019":
        assert play.meta.direction_inferred and np.isnan(play.o).all()
    if name == "bdb2026":
        cols = [play.roster.index_of(n) for n in PREDICT]
        assert not np.isnan(play.x[a][:, cols]).any()  # output frames joined on nfl_id and renumbered
        assert np.isnan(play.x[-1, play.roster.index_of(1001)])  # not a player to predict

    # events: same names on the same frames (2026 has none but the release at its last input frame)
    got_ev = [(int(play.frame_id[i]), e) for i, e in play.events]
    want_ev = [(int(ref.frame_id[i]), e) for i, e in ref.events]
    if name == "bdb2026":
        assert (RELEASE_FRAME, "pass_forward") in got_ev
        assert abs(int(play.frame_id[play.event_frame("ball_snap")]) - 11) <= 1
    else:
        assert got_ev == want_ev

    # roles: given by the release where it has them, and equal to what the tracks imply
    given = {"bdb2023": set(NAMES), "bdb2025": set(NAMES),  # pff_role / player_play cover everyone
             "bdb2026": {n for n in NAMES if ROLE[n] in ROLE_2026}}.get(name, set())  # its four documented roles
    for i, n in enumerate(play.roster.nfl_id.tolist()):
        assert play.roster.role[i] == ref.roster.role[i] == ROLE[n], (name, n)
        assert play.roster.role_source[i] == ("source" if n in given else "inferred"), (name, n)

    # heights in every format become the same metres
    want_h = [HEIGHT_IN[n] * 0.0254 for n in play.roster.nfl_id.tolist()]
    np.testing.assert_allclose(play.roster.height_m, want_h, atol=1e-4)
    k = play.roster.index_of(1000)
    assert play.roster.name[k] == "Kyler Murray" and play.roster.position[k] == "QB"


# ---------------------------------------------------------------- release-specific quirks

def test_bdb2019_quirks(tmp_path):
    play = _import("bdb2019", tmp_path)[f"{GID}:{PID}"]
    assert play.meta.game_clock == "10:00"  # from "10:00:00"
    assert play.meta.offense_team == "ARI"  # ARZ in plays.csv
    assert "duplicate_rows" in play.flags and "40 exact duplicate rows" in play.flags["duplicate_rows"]
    assert play.meta.extra["PassLength"] == 8 and play.meta.extra["offenseFormation"] == "SHOTGUN"
    assert play.meta.season == 2021 and play.meta.week == 1


def test_bdb2021_off_field_ball_route_and_target_table(tmp_path):
    play = _import("bdb2021", tmp_path)[f"{GID}:{PID}"]
    f = play.frame_id.tolist().index(20)
    assert np.isnan(play.ball_x[f]) and "ball_off_field" in play.flags
    assert not np.isnan(play.ball_x[f + 1])
    k = play.roster.index_of(1007)
    assert play.roster.extra["route"][k] == "GO"
    assert play.roster.extra["route"][play.roster.index_of(1001)] == ""  # NA for linemen
    heights = play.roster.height_m
    assert np.all(np.isfinite(heights))  # "6-2" and "74" alike
    assert "target_unmatched" not in play.flags


def test_bdb2021_target_from_table_wins(tmp_path):
    rows, info = base()
    files = bdb2021_files(rows, info)
    files["targetedReceiver.csv"]["targetNflId"] = 1007  # the table, not the description, decides
    for n, df in files.items():
        write_csv(df, tmp_path / n)
    (play,) = [p for p in iter_plays([tmp_path]) if not isinstance(p, PlayError)]
    assert play.meta.target_nfl_id == 1007


def test_bdb2022_special_teams(tmp_path):
    rows, info = base()
    files = bdb2022_files(rows, info)
    # a second play: a kickoff (no ball_snap; the ball's first movement is the kick)
    r2, _ = base(PID + 1)
    r2["event"] = r2.event.replace({"ball_snap": "kickoff", "pass_forward": "", "pass_arrived": "",
                                    "pass_outcome_caught": ""})
    k2 = bdb2022_files(r2, info)["tracking2018.csv"]
    files["tracking2018.csv"] = pd.concat([files["tracking2018.csv"], k2], ignore_index=True)
    kick = {**files["plays.csv"].iloc[0].to_dict(), "playId": PID + 1, "specialTeamsPlayType": "Kickoff",
            "specialTeamsResult": "Return", "passResult": np.nan,
            "playDescription": "J.Hekker kicks 65 yards from LA 35 to ARI 0. D.Hopkins to ARI 25 for 25 yards."}
    files["plays.csv"] = pd.concat([files["plays.csv"], pd.DataFrame([kick])], ignore_index=True)
    for n, df in files.items():
        write_csv(df, tmp_path / n)
    plays = {p.key: p for p in iter_plays([tmp_path])}
    fake, ko = plays[f"{GID}:{PID}"], plays[f"{GID}:{PID + 1}"]
    assert fake.meta.play_type == "pass" and fake.meta.extra["specialTeamsPlayType"] == "Punt"
    assert fake.meta.extra["snapDetail"] == "OK" and fake.meta.extra["operationTime"] == 2.1
    assert ko.meta.play_type == "kickoff" and "inferred_snap" in ko.flags and ko.meta.target_nfl_id is None


def test_bdb2023_none_events_auto_events_pff(tmp_path):
    play = _import("bdb2023", tmp_path)[f"{GID}:{PID}"]
    names = [e for _, e in play.events]
    assert "None" not in names and not any(e.startswith("autoevent") for e in names)
    assert names.count("ball_snap") == 1 and names.count("pass_forward") == 1
    assert "auto_event_used" not in play.flags  # manual events were present: the auto ones were dropped
    k = play.roster.index_of(2001)
    assert play.roster.extra["pff_hit"][k] == 1.0
    assert play.roster.extra["pff_blockType"][play.roster.index_of(1001)] == "PP"
    assert play.meta.offense_team == "ARI" and play.meta.defense_team == "LA"  # ARZ / LAR in the tables
    assert play.meta.extra["pff_passCoverage"] == "Cover-3"


def test_bdb2023_auto_event_used_when_manual_missing(tmp_path):
    rows, info = base()
    files = bdb2023_files(rows, info)
    del files["games.csv"]  # optional here: season from the game id, week from the file name
    t = files["week1.csv.gz"]
    t.loc[t.event == "pass_forward", "event"] = "None"  # only the auto pass_forward (a frame late) remains
    for n, df in files.items():
        write_csv(df, tmp_path / n)
    (play,) = list(iter_plays([tmp_path]))
    assert play.frame_id[play.event_frame("pass_forward")] == RELEASE_FRAME + 1
    assert "pass_forward from autoevent_passforward" in play.flags["auto_event_used"]
    assert (play.meta.season, play.meta.week, play.meta.home_team) == (2021, 1, None)


def test_bdb2024_missing_snap_and_tackles(tmp_path, ngs_play):
    plays = _import("bdb2024", tmp_path)
    play, late, after = plays[f"{GID}:{PID}"], plays[f"{GID}:{PID + 1}"], plays[f"{GID}:{PID + 2}"]
    assert "inferred_snap" in late.flags and "inferred_snap" not in play.flags
    assert "snap_before_data" not in late.flags
    assert "the ball already moving" in after.flags["snap_before_data"]
    assert after.frame_id[0] == 40 and after.event_frame("ball_snap") == 0
    snap_frame = int(late.frame_id[late.event_frame("ball_snap")])
    assert abs(snap_frame - 11) <= 1 and late.t[late.event_frame("ball_snap")] == 0.0
    a = np.searchsorted(ngs_play.frame_id, late.frame_id)
    np.testing.assert_allclose(late.x, ngs_play.x[a], atol=1e-4)
    k = play.roster.index_of(2007)
    assert play.roster.extra["tackle"][k] == 1.0 and play.roster.extra["assist"][play.roster.index_of(2009)] == 1.0
    assert np.isnan(play.roster.extra["tackle"][play.roster.index_of(1000)])
    assert play.meta.extra["ballCarrierId"] == TARGET


def test_bdb2025_player_play_and_frame_type_snap(tmp_path, ngs_play):
    plays = _import("bdb2025", tmp_path)
    play, nosnap = plays[f"{GID}:{PID}"], plays[f"{GID}:{PID + 1}"]
    ex = play.roster.extra
    k = play.roster.index_of(2001)
    assert ex["causedPressure"][k] == 1.0 and ex["timeToPressureAsPassRusher"][k] == pytest.approx(2.1)
    assert ex["getOffAsPassRusher"][k] == pytest.approx(0.8) and ex["wasInitialPassRusher"][k] == 1.0
    assert ex["routeRan"][play.roster.index_of(1007)] == "GO" and ex["wasRunningRoute"][play.roster.index_of(1007)] == 1
    assert play.meta.extra["timeToThrow"] == 2.5 and play.meta.extra["pff_manZone"] == "Zone"
    assert "snap_from_frame_type" in nosnap.flags and "inferred_snap" not in nosnap.flags
    np.testing.assert_array_equal(nosnap.t, ngs_play.t)


def test_bdb2026_ball_flight_and_context(tmp_path):
    play = _import("bdb2026", tmp_path)[f"{GID}:{PID}"]
    rel = play.event_frame("pass_forward")
    qb = passer(play)
    assert play.roster.role[qb] == "passer" and play.roster.nfl_id[qb] == 1000
    assert play.ball_x[rel] == pytest.approx(play.x[rel, qb], abs=1e-4)  # the ball leaves from the passer
    assert np.isnan(play.ball_x[:rel]).all()
    rows, info = base()
    land = rows[rows.is_ball & (rows.frame_id == play.frame_id[-1])]
    assert play.ball_x[-1] == pytest.approx(120.0 - float(land.x.iloc[0]), abs=1e-4)  # normalised landing spot
    assert play.ball_y[-1] == pytest.approx(FIELD.width - float(land.y.iloc[0]), abs=1e-4)
    step = np.diff(play.ball_x[rel:])
    np.testing.assert_allclose(step, step[0], atol=1e-3)  # straight line, constant speed
    assert play.meta.week == 1 and play.meta.season == 2023 and play.meta.extra["team_coverage_type"] == "COVER_3_ZONE"
    assert "ball_synthesised" in play.flags and "inferred_snap" in play.flags
    assert play.roster.extra["player_to_predict"][play.roster.index_of(TARGET)] == 1.0


def test_bdb2026_without_supplementary_or_output(tmp_path):
    rows, info = base()
    files = bdb2026_files(rows, info)
    write_csv(files["train/input_2023_w01.csv"], tmp_path / "input_2023_w01.csv")
    (play,) = list(iter_plays([tmp_path / "input_2023_w01.csv"]))
    assert "no_output" in play.flags and play.frame_id[-1] == RELEASE_FRAME
    assert play.meta.offense_team is None and play.meta.season == 2021  # from the game id
    assert set(play.roster.side) == {"off", "def"}  # player_side decides without team codes
    assert play.meta.target_nfl_id == TARGET and play.meta.week == 1  # week from the file name


# ---------------------------------------------------------------- detection

def _headers() -> dict[str, list[str]]:
    rows, info = base()
    out = {"ngs_highlights": list(ngs_tsv(rows, info).columns)}
    for name, write in WRITERS.items():
        files = write(rows, info)
        track = next(k for k in files if any(s in k for s in ("tracking", "week", "input")))
        out[name] = list(files[track].columns)
    return out


def test_each_tracking_header_detected_by_its_reader_only():
    headers = _headers()
    readers = {r.name: r for r in READERS}
    assert all(isinstance(r, Reader) for r in READERS)
    for name, cols in headers.items():
        accepted = [r.name for r in READERS if r.matches(cols)]
        assert accepted == [name], (name, accepted)
        assert tracking_reader(cols) is readers[name]
    # the 2023 repackage that calls the team column `club` is still 2023, not 2024
    club = ["club" if c == "team" else c for c in headers["bdb2023"]]
    assert [r.name for r in READERS if r.matches(club)] == ["bdb2023"]
    # the documented full headers, verbatim from tracking-formats.md
    assert bdb2019.READER.matches("time,x,y,s,dis,dir,event,nflId,displayName,jerseyNumber,team,frame.id,gameId,playId"
                           .split(","))
    assert tracking_reader("gameId,playId,nflId,displayName,frameId,frameType,time,jerseyNumber,club,"
                           "playDirection,x,y,s,a,dis,o,dir,event".split(",")) is bdb2025.READER


def test_companion_tables_detected():
    rows, info = base()
    kinds = {}
    for write in WRITERS.values():
        for fname, df in write(rows, info).items():
            cols = list(df.columns)
            if tracking_reader(cols) is None:
                kinds[Path(fname).name] = companion_kind(cols)
    assert kinds == {"plays.csv": "plays", "games.csv": "games", "players.csv": "players",
                     "targetedReceiver.csv": "targets", "PFFScoutingData.csv": "pff_special_teams",
                     "pffScoutingData.csv": "pff", "tackles.csv": "tackles", "player_play.csv": "player_play",
                     "output_2023_w01.csv": "bdb2026_output", "supplementary_data.csv": "supplementary"}


# ---------------------------------------------------------------- bad plays and missing tables

def test_bad_play_in_week_file_skipped_others_import(tmp_path):
    """A 2021 week file with four plays: one is not in plays.csv, one has player rows without nflId. Those two
    are skipped with their reasons; the other two (one moving right) import."""
    parts, plays = [], []
    for pid, direction in ((1, "left"), (2, "left"), (3, "right"), (4, "left")):
        rows, info = base(pid, direction)
        t = bdb2021_files(rows, info)["week1.csv"]
        if pid == 4:
            t.loc[(t.nflId == 2005) & (t.frameId == 30), "nflId"] = np.nan
            t.loc[t.nflId.isna() & (t.frameId == 30), "displayName"] = "Bobby Wagner"
            t.loc[t.nflId.isna() & (t.frameId == 30), "team"] = "away"
        parts.append(t)
        if pid != 2:
            plays.append({**bdb2021_files(rows, info)["plays.csv"].iloc[0].to_dict(), "playId": pid})
    files = bdb2021_files(*base())
    files["week1.csv"] = pd.concat(parts, ignore_index=True)
    files["plays.csv"] = pd.DataFrame(plays)
    files["targetedReceiver.csv"]["playId"] = 1
    for n, df in files.items():
        write_csv(df, tmp_path / n)
    store = PlayStore(tmp_path / "store")
    result = import_paths([tmp_path], store, chunk_rows=500)
    assert sorted(result.imported) == [f"{GID}:1", f"{GID}:3"]
    reasons = dict(result.skipped)
    assert "not in plays.csv" in reasons[f"{GID}:2"]
    assert "player rows without nflId" in reasons[f"{GID}:4"]
    right = store.load(f"{GID}:3")
    assert right.meta.play_direction == "right"
    np.testing.assert_allclose(right.x, store.load(f"{GID}:1").x, atol=1e-4)


@pytest.mark.parametrize("name,table,needed", [("bdb2019", "games.csv", "games"), ("bdb2023", "players.csv", "players"),
                                               ("bdb2021", "plays.csv", "plays")])
def test_missing_companion_table_clear_error(tmp_path, name, table, needed):
    rows, info = base()
    files = WRITERS[name](rows, info)
    del files[table]
    for n, df in files.items():
        write_csv(df, tmp_path / n)
    with pytest.raises(InputError, match=rf"needs the {needed} table \({needed}.csv\)"):
        list(iter_plays([tmp_path]))
    result = import_paths([tmp_path], PlayStore(tmp_path / "s"))
    assert not result.imported and any(f"{needed}.csv" in why for _, why in result.skipped)


def test_bdb_streaming_chunks_same_result(tmp_path):
    path = write_release("bdb2024", tmp_path / "w")
    whole = {p.key: p for p in iter_plays([path])}
    small = {p.key: p for p in iter_plays([path], chunk_rows=333)}
    assert whole.keys() == small.keys() and len(whole) == 3
    for k in whole:
        np.testing.assert_array_equal(whole[k].x, small[k].x)


# ---------------------------------------------------------------- the real BDB 2019 tables

@pytest.mark.shared_data
def test_bdb2019_real_tables(tmp_path):
    """The real plays/games/players tables of BDB 2019 (read in place) with a tracking file in their exact
    schema for the real play 2017091004:73 (ARI at DET, "C.Palmer pass short right to L.Fitzgerald", ball on
    ARI 23): teams from home/away, LOS from yardlineSide, the clock from "14:54:00", heights from `6'05"`."""
    from conftest import shared_path
    folder = shared_path("bdb2019")
    players = pd.read_csv(folder / "players.csv")
    los = 33.0  # ARI's own 23, offense toward +x after normalisation
    rows, info = synthetic_rows(los=los, direction="left")
    real = {1000: 2505245, 1006: 2506106}  # Carson Palmer, Larry Fitzgerald
    used = set(real.values())
    for nid, pos in rows[~rows.is_ball].drop_duplicates("nfl_id")[["nfl_id", "position"]].itertuples(index=False):
        if int(nid) in real:
            continue
        pick = players[(players.PositionAbbr == pos) & ~players.nflId.isin(used)].nflId.iloc[0]
        real[int(nid)] = int(pick)
        used.add(int(pick))
    names = players.set_index("nflId")
    ball = rows.is_ball
    ids = rows.nfl_id.map(lambda n: real.get(int(n)) if n == n else np.nan)
    track = pd.DataFrame({
        "time": "2017-09-10 17:05:11", "x": rows.x.round(2), "y": rows.y.round(2), "s": rows.s.round(2),
        "dis": 0.1, "dir": np.where(ball, np.nan, rows.dir.round(2)), "event": rows.event.replace("", np.nan),
        "nflId": ids, "displayName": [("football" if b else f"{names.FirstName[i]} {names.LastName[i]}")
                                      for b, i in zip(ball, ids)],
        "jerseyNumber": rows.jersey, "team": np.where(ball, "ball", np.where(rows.side == "off", "away", "home")),
        "frame.id": rows.frame_id, "gameId": 2017091004, "playId": 73})
    path = write_csv(track, tmp_path / "tracking_gameId_2017091004.csv")
    jobs_paths = [path, folder / "plays.csv", folder / "games.csv", folder / "players.csv"]
    (play,) = list(iter_plays(jobs_paths))
    assert not isinstance(play, PlayError), play
    m = play.meta
    assert (m.season, m.week, m.offense_team, m.defense_team, m.home_team, m.away_team) == \
        (2017, 1, "ARI", "DET", "DET", "ARI")
    assert m.game_clock == "14:54" and m.down == 1 and m.distance == 10 and m.pass_result == "C"
    assert m.los_x == pytest.approx(los) and m.first_down_x == pytest.approx(los + 10)
    assert m.play_direction == "left" and m.direction_inferred
    assert m.target_nfl_id == 2506106
    qb = passer(play)
    assert play.roster.nfl_id[qb] == 2505245 and play.roster.height_m[qb] == pytest.approx(77 * 0.0254)
    snap = play.event_frame("ball_snap")
    assert play.x[snap, qb] < m.los_x < np.nanmean(play.x[snap, play.roster.side == "def"])
