import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ErasureWatcher, EventStore, KeyStore } from '@app/event-store';
import { AppLogger, EVENT_STORE, KEY_STORE, LOGGER, libraryLogger } from '@app/platform';

/** This process stops decrypting an erased lead as soon as LeadErased is in the log (see ErasureWatcher). */
@Injectable()
export class ApiErasureWatch implements OnApplicationBootstrap, OnApplicationShutdown {
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
