import { DynamicModule, Module } from '@nestjs/common';
import { SchedulersSettings } from './schedulers.config';
import { SCHEDULERS_SETTINGS } from './schedulers.tokens';

/** Time-based work: step timers, reactors that turn events into commands, email delivery. */
@Module({})
export class SchedulersModule {
  static forRoot(settings: SchedulersSettings): DynamicModule {
    return {
      module: SchedulersModule,
      providers: [{ provide: SCHEDULERS_SETTINGS, useValue: settings }],
    };
  }
}
