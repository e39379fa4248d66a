import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ErasureWatcher, EventStore, KeyStore } from '@app/event-store';
import { AppLogger, EVENT_STORE, KEY_STORE, LOGGER, libraryLogger } from '@app/platform';

/**
 * The projectors decrypt leads' data (leads, emails): when a lead is erased in another process,
 * this one drops the lead's key from its cache as soon as LeadErased is in the log.
 */
@Injectable()
export class ProjectorsErasureWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly watcher: ErasureWatcher;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(KEY_STORE) keys: KeyStore, @Inject(LOGGER) logger: AppLogger) {
    this.watcher = new ErasureWatcher(store, keys, libraryLogger(logger.child({ component: 'erasure-watch' })));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.watcher.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.watcher.stop();
  }
}
