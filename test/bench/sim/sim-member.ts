/**
 * A simulated member: the same shell duties the content script has (carry out effects, feed
 * events, ping the clock), around the real engine, with a skewed, offset local clock. It counts
 * the messages it sends to the relay and gets from it, by kind, as the background would send
 * them: a report with a new status as `member:status`, the same status again as `member:telemetry`
 * (extension/background/tab-room.ts).
 */
import { createEngine, nextPingDelayMs, step, type EngineEffect, type EngineEvent, type EngineState } from '../../../extension/core';
import type { MemberStatus, Timeline } from '../../../relay/contract/protocol';
import { followedStatus } from '../../../relay/contract/timeline';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';
import { Link, type LinkTraits } from './sim-network';
import { SimPlayer, type PlayerTraits } from './sim-player';
import type { Notice, SimRoom } from './sim-room';

const FRAME_MS = 1000 / 30;
/** How often a player without frame callbacks has its currentTime read ('timeupdate' fires every 250 ms). */
const COARSE_MS = 250;
const SNAPSHOT_MS = 250;

/** A socket.io ack has no timeout of its own: the shell tries again after this long without an answer. */
const PING_TIMEOUT_MS = 3000;

export const SENT = ['ping', 'control', 'status', 'telemetry'] as const;
export const RECEIVED = [
  'ping-answer',
  'timeline',
  'control-ack',
  'status-ack',
  'member-updated',
  'status-batch',
  'telemetry-batch',
] as const;
export type Sent = (typeof SENT)[number];
export type Received = (typeof RECEIVED)[number];

export interface MemberTraits {
  offsetMs: number;
  link: LinkTraits;
  player: PlayerTraits;
}

export class SimMember {
  engine: EngineState = createEngine();
  readonly player: SimPlayer;
  readonly up: Link;
  readonly down: Link;
  /** Every control this member's engine sent, with the (true) time it was sent. */
  readonly controlsSent: { at: number; action: string }[] = [];
  /** Messages sent to the relay and received from it, by kind, since the start. */
  readonly sent: Record<Sent, number> = { ping: 0, control: 0, status: 0, telemetry: 0 };
  readonly received: Record<Received, number> = {
    'ping-answer': 0,
    timeline: 0,
    'control-ack': 0,
    'status-ack': 0,
    'member-updated': 0,
    'status-batch': 0,
    'telemetry-batch': 0,
  };
  /** True time of the last (re)connect. */
  connectedAt = 0;
  private wakeToken = 0;
  /** The ping chain in force: a reconnect starts a new one, and the old one's answers and retries stop. */
  private pingToken = 0;
  /** The status the room knows for this member (the last one reported as a status). */
  private roomStatus: MemberStatus | null = null;
  /** The newest timeline the background has had. */
  private seenSeq = -1;

  constructor(
    readonly id: string,
    private readonly sched: Scheduler,
    private readonly rng: Rng,
    private readonly room: SimRoom,
    readonly traits: MemberTraits,
  ) {
    this.player = new SimPlayer(sched, rng, traits.player);
    this.up = new Link(sched, rng, traits.link);
    this.down = new Link(sched, rng, traits.link);
    this.player.listener = (event) => this.run({ type: 'player', event, snapshot: this.player.read() });
    this.player.onDetach = () => this.run({ type: 'detach' });
    this.player.onAttach = () => this.run({ type: 'attach', snapshot: this.player.read() });
  }

  /**
   * The relative rate the clock estimate should find (ppm): relay - local, per local ms. Local
   * runs at (1 + skew) of the relay's (true) time, so relay - local changes by -skew / (1 + skew).
   */
  get trueSkewPpm(): number {
    const k = this.traits.player.skew;
    return (-k / (1 + k)) * 1e6;
  }

  /** Local clock reading at true time t. */
  local(t = this.sched.now): number {
    return t * (1 + this.traits.player.skew) + this.traits.offsetMs;
  }

  private trueTime(local: number): number {
    return (local - this.traits.offsetMs) / (1 + this.traits.player.skew);
  }

  start(): void {
    this.room.join(this.id);
    this.receive(this.room.timeline); // room:join answers with the room view
    this.ping();
    const frames = (): void => {
      const sample = this.player.frame(this.sched.now, (t) => this.local(t));
      if (sample !== null) this.run({ type: 'frame', sample, snapshot: this.player.read() });
      // Coarse readings come from 'timeupdate' and a timer: ~4 a second (a background tab: 1).
      this.sched.after(this.traits.player.coarseJitterS === undefined ? FRAME_MS : COARSE_MS, frames);
    };
    const snapshots = (): void => {
      this.run({ type: 'snapshot', snapshot: this.player.read() });
      this.sched.after(SNAPSHOT_MS, snapshots);
    };
    this.sched.after(this.rng.uniform(0, FRAME_MS), frames);
    this.sched.after(this.rng.uniform(0, SNAPSHOT_MS), snapshots);
  }

  /** Counts a message to the relay, if the connection is up to carry it. */
  private count(kind: Sent): void {
    if (this.up.connected) this.sent[kind]++;
  }

  /** Something the relay sent this member that the engine does not need: counted only. */
  notice(what: Notice): void {
    if (this.down.connected) this.received[what]++;
  }

  private ping(): void {
    const token = ++this.pingToken;
    const t0 = this.local();
    let answered = false;
    this.count('ping');
    this.up.send(() => {
      const relayTime = this.sched.now;
      this.down.send(() => {
        if (token !== this.pingToken) return;
        answered = true;
        this.received['ping-answer']++;
        this.run({ type: 'clock-sample', sample: { t0, relayTime, t3: this.local() } });
        this.sched.after(nextPingDelayMs(this.engine.clock), () => {
          if (token === this.pingToken) this.ping();
        });
      });
    });
    this.sched.after(PING_TIMEOUT_MS, () => {
      if (!answered && token === this.pingToken) this.ping();
    });
  }

  receive(timeline: Timeline): void {
    this.down.send(() => {
      this.received.timeline++;
      // As the background does with a relay that makes members follow (tab-room.ts applyTimeline).
      if (timeline.seq > this.seenSeq && this.roomStatus !== null) this.roomStatus = followedStatus(this.roomStatus, timeline);
      this.seenSeq = Math.max(this.seenSeq, timeline.seq);
      this.run({ type: 'timeline', timeline, follows: true });
    });
  }

  disconnect(ms: number): void {
    this.up.connected = false;
    this.down.connected = false;
    this.sched.after(ms, () => {
      this.up.connected = true;
      this.down.connected = true;
      this.connectedAt = this.sched.now;
      this.up.reset();
      this.down.reset();
      this.run({ type: 'reconnected' });
      // room:resume answers with the room view: the current timeline.
      this.up.send(() => this.receive(this.room.timeline));
      this.ping();
    });
  }

  run(event: EngineEvent): void {
    const r = step(this.engine, event, this.local());
    this.engine = r.state;
    for (const e of r.effects) this.carryOut(e);
  }

  private carryOut(e: EngineEffect): void {
    switch (e.type) {
      case 'play':
        return this.player.play();
      case 'pause':
        return this.player.pause();
      case 'seek':
        return this.player.seek(e.position);
      case 'set-rate':
        return this.player.setRate(e.rate);
      case 'send-control':
        this.controlsSent.push({ at: this.sched.now, action: e.control.action });
        this.count('control');
        return this.up.send(() => this.room.control(this.id, e.control, this.sched.now));
      case 'send-status': {
        const report = e.status;
        if (report.status === this.roomStatus) {
          this.count('telemetry');
          const telemetry = { offsetMs: report.offsetMs ?? null, rttMs: report.rttMs ?? null };
          return this.up.send(() => this.room.telemetryReport(this.id, telemetry, this.sched.now));
        }
        if (this.up.connected) this.roomStatus = report.status;
        this.count('status');
        return this.up.send(() => this.room.status(this.id, report, this.sched.now));
      }
      case 'wake-at': {
        const token = ++this.wakeToken;
        // Browser timers fire up to a few ms late.
        this.sched.at(this.trueTime(e.at) + this.rng.uniform(0, 2), () => {
          if (token === this.wakeToken) this.run({ type: 'tick' });
        });
        return;
      }
    }
  }
}
