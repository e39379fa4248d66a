import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { platformConfigFrom } from '@app/platform';
import { loadApiEnv } from '../../apps/api/src/index';
import { loadProjectorsEnv } from '../../apps/projectors/src/index';
import { loadSchedulersEnv } from '../../apps/schedulers/src/index';

/**
 * No Docker engine runs here, so the compose file is checked the way the apps would read it:
 * every app service's environment must pass that app's own config schema, and everything an
 * app connects to must be a service of the file it waits for.
 */
const root = join(__dirname, '..', '..');
type Service = {
  image?: string;
  build?: { context?: string; args?: Record<string, string> } | string;
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  restart?: string;
  ports?: string[];
};
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** `${VAR:-default}` as docker compose expands it with VAR unset. */
function expand(value: string | number): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? '');
}
const envOf = (name: string): Record<string, string> => Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, expand(v)]));

const apps = {
  api: loadApiEnv,
  projectors: loadProjectorsEnv,
  schedulers: loadSchedulersEnv,
} as const;

describe('docker-compose.yml', () => {
  it('has the infrastructure the apps need, each with a health check', () => {
    for (const name of ['eventstore', 'postgres', 'nats']) {
      expect(services[name]?.image).toBeTruthy();
      expect(services[name]?.healthcheck?.test).toBeTruthy();
    }
    expect(services.eventstore?.image).toMatch(/kurrentdb|eventstore/);
    expect(services.postgres?.image).toMatch(/^postgres:1[5-9]/);
    expect(JSON.stringify(services.nats)).toContain('-js');
  });

  describe.each(Object.keys(apps) as (keyof typeof apps)[])('the %s service', (name) => {
    const service = services[name] as Service;
    const env = envOf(name);

    it('passes the app\'s own config schema and the platform settings', () => {
      expect(() => apps[name](env)).not.toThrow();
      expect(() => platformConfigFrom({ ...apps[name](env) }, name)).not.toThrow();
    });

    it('points at services of this file and waits for them to be healthy', () => {
      const targets = [
        ['DATABASE_URL', new URL(env.DATABASE_URL ?? 'missing://').hostname],
        ['NATS_URL', new URL(env.NATS_URL ?? 'missing://').hostname],
        ['EVENTSTORE_URL', new URL((env.EVENTSTORE_URL ?? 'missing://').replace(/^esdb/, 'http')).hostname],
      ] as const;
      for (const [variable, host] of targets) {
        expect({ variable, host, isService: host in services }).toEqual({ variable, host, isService: true });
        expect(service.depends_on?.[host]?.condition).toBe('service_healthy');
      }
    });

    it('is built from this repository as that app, restarts, and its entry point exists', () => {
      expect(typeof service.build === 'object' ? service.build.args?.APP : undefined).toBe(name);
      expect(service.restart).toMatch(/always|unless-stopped|on-failure/);
      expect(existsSync(join(root, 'apps', name, 'src', 'main.ts'))).toBe(true);
    });
  });

  it('gives the processes that must agree the same secrets', () => {
    const api = envOf('api');
    const schedulers = envOf('schedulers');
    expect(schedulers.TRACKING_SECRET).toBe(api.TRACKING_SECRET);
    expect(schedulers.PUBLIC_URL).toBe(api.PUBLIC_URL);
    for (const name of Object.keys(apps)) expect(envOf(name).PII_MASTER_KEY).toBe(api.PII_MASTER_KEY);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs as a non-root user in a slim second one', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/dist\/apps\/\$\{APP\}\/src\/main\.js/);
  });
});
