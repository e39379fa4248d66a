import { DynamicModule, Module } from '@nestjs/common';
import { ProjectionHostService } from './host/projection-host.service';
import { ProjectorsSettings } from './projectors.config';
import { PROJECTORS_SETTINGS } from './projectors.tokens';

/** Builds and keeps every read model up to date from the log. */
@Module({})
export class ProjectorsModule {
  static forRoot(settings: ProjectorsSettings): DynamicModule {
    return {
      module: ProjectorsModule,
      providers: [{ provide: PROJECTORS_SETTINGS, useValue: settings }, ProjectionHostService],
      exports: [ProjectionHostService],
    };
  }
}
