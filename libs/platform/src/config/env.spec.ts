import { z } from 'zod';
import { ConfigError, parseEnv, secret } from './env';

describe('parsing the environment', () => {
  const schema = z.object({ JWT_SECRET: secret(), PORT: z.coerce.number().int().default(3000) });

  it('names every missing or malformed variable', () => {
    expect(() => parseEnv(schema, { PORT: 'abc' })).toThrow(ConfigError);
    try {
      parseEnv(schema, { PORT: 'abc' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^JWT_SECRET \(unset\): required$/), expect.stringMatching(/^PORT \("abc"\): /)]);
    }
  });

  it('treats empty strings as unset and applies defaults', () => {
    expect(parseEnv(schema, { JWT_SECRET: 'x'.repeat(32), PORT: '' })).toEqual({ JWT_SECRET: 'x'.repeat(32), PORT: 3000 });
  });
});
