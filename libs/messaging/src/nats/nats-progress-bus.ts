import { JSONCodec, NatsConnection, Subscription } from 'nats';
import { ProgressBus, ProgressNotice } from '../messaging.types';

const SUBJECT = (projection: string) => `projections.${projection}.advanced`;
const codec = JSONCodec<ProgressNotice>();

/**
 * Progress notices over NATS core subjects, one per projection: projector processes publish,
 * API processes listen. At-most-once is enough: the API falls back to reading checkpoints.
 */
export class NatsProgressBus implements ProgressBus {
  private readonly listeners = new Set<(notice: ProgressNotice) => void>();
  private subscription: Subscription | null = null;

  constructor(private readonly nc: NatsConnection) {}

  publish(notice: ProgressNotice): void {
    if (this.nc.isClosed()) return;
    this.nc.publish(SUBJECT(notice.projection), codec.encode(notice));
  }

  subscribe(listener: (notice: ProgressNotice) => void): () => void {
    this.listeners.add(listener);
    this.subscription ??= this.nc.subscribe(SUBJECT('*'), {
      callback: (error, message) => {
        if (error) return;
        let notice: ProgressNotice;
        try {
          notice = codec.decode(message.data);
        } catch {
          return;
        }
        if (typeof notice?.projection !== 'string' || typeof notice.checkpoint !== 'string') return;
        for (const l of [...this.listeners]) l(notice);
      },
    });
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscription?.unsubscribe();
    this.subscription = null;
  }
}
