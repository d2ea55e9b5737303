/**
 * One direction of a member's connection: a base one-way delay with uniform jitter, in order
 * (socket.io rides one TCP/WebSocket stream), where a lost segment costs a retransmission
 * timeout and holds back what follows. While disconnected, messages are dropped.
 */
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

export interface LinkTraits {
  baseMs: number;
  jitterMs: number;
  loss: number;
}

export class Link {
  connected = true;
  private lastDelivery = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: Rng,
    private readonly traits: LinkTraits,
  ) {}

  send(deliver: () => void): void {
    if (!this.connected) return;
    let delay = Math.max(1, this.traits.baseMs + this.rng.uniform(-this.traits.jitterMs, this.traits.jitterMs));
    if (this.rng.chance(this.traits.loss)) delay += this.rng.uniform(200, 400); // TCP retransmission
    const at = Math.max(this.sched.now + delay, this.lastDelivery);
    this.lastDelivery = at;
    this.sched.at(at, () => {
      if (this.connected) deliver();
    });
  }

  reset(): void {
    this.lastDelivery = this.sched.now;
  }
}
