import { ProgressBus, ProgressNotice } from '../messaging.types';

/** The single-process progress bus: listeners are called synchronously on publish. */
export class InProcessProgressBus implements ProgressBus {
  private readonly listeners = new Set<(notice: ProgressNotice) => void>();

  publish(notice: ProgressNotice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch {
        // A listener's failure is its own; the others still hear the notice.
      }
    }
  }

  subscribe(listener: (notice: ProgressNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
