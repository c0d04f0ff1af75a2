"""Every constant of the motion synthesis (`replay/synthesis.py`) in one place, each with where it comes from.

Sources are marked:
- [measured] on the shared mocap clips (the DeepMimic walk/jog/run clips shipped in pybullet_data, and CMU
  motion capture database trial 79_91 for the throw), with `tools/bench_motion.py` printing the check;
- [published] with the paper or book, listed at the end;
- [tuned] chosen by eye on rendered real plays and kept where `tools/bench_motion.py`'s quality figures (step rate,
  foot skating, lowest foot point, tag on track) hold: a design choice, not a measurement.

Lengths with `/H` are fractions of the player's standing height; speeds are m/s; angles say their unit.
Smoothing windows are given as a divisor of the internal frame rate (`n` = a window of 1/n s).
"""

from __future__ import annotations

import numpy as np

G = 9.81  # m/s^2, standard gravity

# ---- track smoothing (windows of 1/n s) [tuned]: 10 Hz tracks carry ~15 cm tag noise [3]; velocity over
# 0.1 s keeps the gait responsive, acceleration over 0.25 s keeps leans from flickering
VELOCITY_WINDOW = 10
ACCELERATION_WINDOW = 4
FACING_WINDOW = 8

# ---- locomotion mode from the angle between facing and heading [tuned]: forward below ~45 degrees, backpedal
# beyond ~135, shuffle between, blended over 30-60 degrees so a turn does not snap the gait
MOVING_SPEED = (0.4, 1.2)  # m/s: from standing to moving (smoothstep edges)
MODE_BLEND_DEG = (60.0, 30.0)  # smoothstep edges on cos(facing - heading), degrees

# ---- gait phase
STEPS_PER_STRIDE = 2.0  # one stride = a left and a right step (definition)
TURN_STEPS_PER_RAD = 0.25  # m/s of "speed" per rad/s of turning: turning in place also steps [tuned]
PHASE_EPSILON = 1e-7  # strides added per frame so the phase strictly increases (numerical, for interpolation)
# step rate (steps/s) against speed (m/s). Up to 3.56 m/s [measured]: walk 0.98 m/s at 1.58 steps/s, jog 2.8 m/s
# ~2.35, run 3.56 m/s at 2.45 steps/s. Faster, steps quicken rather than lengthen above ~2/3 of top speed [1, 2]:
# ~3.6 steps/s at 8 m/s, below sprinters' 4-5 steps/s [1] for players in pads [tuned], which keeps each step
# within leg reach
RATE_SPEED = np.array([0.0, 0.25, 0.98, 2.8, 3.56, 6.0, 8.0, 10.0])
RATE_STEPS = np.array([0.0, 1.0, 1.58, 2.35, 2.45, 3.0, 3.6, 4.2])
# duty factor: share of a stride a foot is on the ground, against speed. Walking 0.62 and running ~0.4 [4];
# sprinting ~0.22 from ~0.1 s ground contact per ~0.45 s stride at top speed [1]
DUTY_SPEED = np.array([1.0, 2.5, 4.0, 8.0])
DUTY_SHARE = np.array([0.62, 0.42, 0.33, 0.22])

# ---- pre-snap stance and get-off [tuned]
STANCES = ("upright", "two_point", "three_point", "shotgun", "under_centre")
# per stance: pelvis crouch /H, trunk pitch (degrees forward), half foot spacing /H, foot stagger /H
STANCE_PARAMS = np.array([[0.010, 4.0, 0.075, 0.00],
                          [0.070, 30.0, 0.10, 0.10],
                          [0.130, 80.0, 0.10, 0.12],
                          [0.040, 14.0, 0.11, 0.00],
                          [0.120, 32.0, 0.11, 0.00]])
THREE_POINT = {"T", "OT", "LT", "RT", "G", "OG", "LG", "RG", "C", "OL", "DE", "DT", "NT", "DL", "TE"}
TWO_POINT = {"WR", "CB", "DB", "FS", "SS", "S", "SAF", "RB", "HB", "FB", "OLB", "ILB", "MLB", "LB"}
SHOTGUN_DEPTH = 2.5  # yd behind the line: a QB deeper than this is in shotgun, else under centre
QB_DEPTH_UNKNOWN = 5.0  # yd assumed when the line or the QB's position is unknown (shotgun)
STILL_WINDOW = 2  # 0.5 s speed average deciding that a player is set
STILL_SPEED = (0.4, 1.0)  # m/s: set below, moving above (smoothstep edges)
SET_TIME = (-1.6, -1.0)  # s from the snap: the stance blends in over this interval
GET_OFF_TIME = (0.0, 0.35)  # s from the snap: and out over this one
SET_IN_STANCE = 0.5  # stance weight at the snap above which a player gets off from his stance spots

# ---- trunk lean. Forward lean ~ atan(a_forward / g) [5]; cornering lean ~ atan(a_lateral / g) [6]
UPRIGHT_PITCH_SPEED = [0, 3, 8]  # m/s
UPRIGHT_PITCH_DEG = [3, 7, 12]  # trunk pitch of steady forward gait [tuned]
BACKPEDAL_PITCH_DEG = 9  # [tuned]
SHUFFLE_PITCH_DEG = 11  # [tuned]
ACCEL_LEAN_GAIN = 0.8  # share of atan(a/g) the trunk takes [tuned; 1.0 is the whole-body lean of [5]]
FORWARD_ACCEL_CLIP = (-6, 8)  # m/s^2: braking / driving accelerations beyond are tracking noise [tuned]
LATERAL_ACCEL_CLIP = (-8, 8)  # m/s^2 [tuned]
HEAD_PITCH_SHARE = 0.3  # the head follows 30% of the trunk's pitch (eyes stay level) [tuned]
HEAD_ROLL_SHARE = 0.5  # and half of its roll [tuned]
CROUCH_SPEED = [0, 2, 5]  # m/s
CROUCH = [0.005, 0.02, 0.03]  # /H: pelvis lowered with speed [tuned]
CROUCH_BACK_SIDE = 0.04  # /H: extra crouch backpedalling or shuffling [tuned]

# ---- feet
FOOT_PHASE = {"l": 0.0, "r": 0.5}  # the right foot half a stride after the left (alternating gait)
FOOT_WIDTH_SPEED = [0, 1.0, 3.0, 6.0]  # m/s
FOOT_WIDTH = [0.075, 0.06, 0.04, 0.03]  # /H from the centre line: steps narrow with speed [tuned]
REFERENCE_HEIGHT = 1.85  # m: the height the swing heights below are given for (scaled by H / 1.85)
SWING_LIFT_SPEED = [0, 1.0, 3.5, 8.0]  # m/s
SWING_LIFT = [0, 0.12, 0.22, 0.28]  # m: peak foot height in swing [tuned]
LANDING_SWING = 0.75  # share of the swing after which a foot counts as landing (holds the pelvis) [tuned]
FIRST_STEP_LIFT_PER_M = 0.12  # m of lift per m of the first step out of a stance [tuned]
FIRST_STEP_LIFT_CAP = 0.28  # m (for H = REFERENCE_HEIGHT) [tuned]
ANKLE_CLEARANCE = 0.004  # m the ankle keeps above its lowest point on the turf (no ground penetration)

# ---- pelvis
LEG_REACH = 0.985  # share of the full leg length a planted leg may extend to (knee never locks) [tuned]
PELVIS_WINDOW = 15  # 1/15 s min-filter then average of the pelvis height
PELVIS_FLOOR = 0.38  # /H: out of a stance the pelvis never drops below (no splits) [tuned]
STANCE_FLOOR_DROP = 0.13  # /H: lower floor allowed in a stance [tuned]
KNEE_POLE_SIDE = 0.15  # knees bend forward and 15% outward [tuned]

# ---- arms
ARM_SWING_SPEED = [0, 1, 3, 7]  # m/s
ARM_SWING = [0.05, 0.3, 0.6, 0.9]  # rad, amplitude of the upper-arm swing [tuned]
ARM_SWING_NOT_FORWARD = 0.4  # share of the swing kept backpedalling/shuffling [tuned]
ELBOW_BEND_SPEED = [0, 1, 2.5, 4]  # m/s
ELBOW_BEND = [0.25, 0.35, 1.4, 1.6]  # rad: arms bend as the gait turns into a run [tuned]
ELBOW_BEND_NOT_FORWARD = 1.3  # rad backpedalling/shuffling [tuned]
UPPER_ARM_OUT = 0.12  # sideways share of the upper-arm direction [tuned]
FOREARM_OUT = 0.05  # sideways share of the forearm direction [tuned]
ELBOW_POLE = (-1.0, -0.5, 0.4)  # elbows point back, down and out (trunk forward, up, side weights) [tuned]
HOLD_WINDOW = 6  # 1/6 s to take the ball into the carrying hand
HOLD_R = np.array([0.14, 0.05, -0.22])  # right wrist carrying the ball (forward, left, up) /H [tuned]
HOLD_L = np.array([0.15, -0.07, -0.20])  # left (guide) hand on the ball before the throw /H [tuned]

# ---- wrists in the stances (trunk or yaw frame, /H) [tuned]
UPRIGHT_WRIST = (0.03, 0.03, -0.36)  # arms hang
TWO_POINT_HANDS = (0.04, 0.05)  # hands above the knees: forward, up
THREE_POINT_HAND = (0.05, 0.06)  # right hand on the turf ahead of the shoulder: forward, height
SNAP_HAND_HEIGHT = (0.11, 0.05)  # the centre's hand on the ball: m + /H
LEFT_ON_KNEE = 0.01  # up
SHOTGUN_WRIST = (0.16, -0.06, -0.20)  # hands ready in front of the belly
UNDER_CENTRE_HANDS = (0.2, 0.015)  # hands forward under the centre: forward, sideways

# ---- the throw: keys from CMU trial 79_91 [measured] (assets/throw.json, tools/make_throw_keys.py)
THROW_LEAD_IN = 0.2  # s before the first key the hands blend into the throw [tuned]
THROW_FADE = 0.4  # s after the last key to return to the gait arms [tuned]

# Sources
# [1] P. G. Weyand, D. B. Sternlight, M. J. Bellizzi, S. Wright, "Faster top running speeds are achieved with
#     greater ground forces not more rapid leg movements", J. Appl. Physiol. 89:1991-1999, 2000.
# [2] A. Dorn, A. G. Schache, M. G. Pandy, "Muscular strategy shift in human running: dependence of running
#     speed on hip and ankle muscle performance", J. Exp. Biol. 215:1944-1956, 2012.
# [3] NFL Next Gen Stats glossary, https://nextgenstats.nfl.com/glossary (shoulder-pad tags).
# [4] T. F. Novacheck, "The biomechanics of running", Gait & Posture 7:77-95, 1998.
# [5] F. Kugler, L. Janshen, "Body position determines propulsive forces in accelerated running",
#     J. Biomech. 43:343-348, 2010.
# [6] Y.-H. Chang, R. Kram, "Limitations to maximum running speed on flat curves", J. Exp. Biol. 210:971-982, 2007.
