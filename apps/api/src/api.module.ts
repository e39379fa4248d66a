import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { DynamicModule, MiddlewareConsumer, Module, NestModule, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { ApiSettings } from './api.config';
import { API_SETTINGS } from './api.tokens';
import { controllers, handlers, queries, resolvers } from './api.components';
import { AccessTokens } from './common/auth/access-tokens';
import { AuthGuard } from './common/auth/auth.guard';
import { CorrelationMiddleware } from './common/context/correlation.middleware';
import { ApiExceptionFilter } from './common/errors/graphql-error.filter';
import { ProjectionWatermarks } from './common/read-your-writes/projection-watermarks';
import { SessionTokens } from './auth/session-tokens';

/** GraphQL (Apollo, code-first) and the tracking routes, on the platform's infrastructure. */
@Module({})
export class ApiModule implements NestModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          playground: false,
          introspection: true,
          plugins: settings.sandbox ? [ApolloServerPluginLandingPageLocalDefault({ embed: true })] : [],
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
          // Errors are already shaped by ApiExceptionFilter; keep stack traces out of answers.
          includeStacktraceInErrorResponses: false,
        }),
      ],
      controllers,
      providers: [
        { provide: API_SETTINGS, useValue: settings },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }) },
        AccessTokens,
        SessionTokens,
        ProjectionWatermarks,
        ...queries,
        ...handlers,
        ...resolvers,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*');
  }
}
