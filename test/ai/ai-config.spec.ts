import { ConfigError } from '@app/platform';
import { apiSettingsFrom, loadApiEnv } from '../../apps/api/src/index';

const secrets = { JWT_SECRET: 'j'.repeat(32), TRACKING_SECRET: 't'.repeat(32), EMAIL_HASH_SECRET: 'e'.repeat(32) };

describe("the API's AI settings", () => {
  it('run the offline generator with the default allowance when nothing is set', () => {
    expect(apiSettingsFrom(loadApiEnv(secrets)).ai).toEqual({ openai: null, defaultLimits: { monthlyTokenBudget: 2_000_000, requestsPerMinute: 30 }, cacheTtlSeconds: 600 });
  });

  it('turn OpenAI on with a key, with the model, endpoint and timeouts given', () => {
    const ai = apiSettingsFrom(
      loadApiEnv({
        ...secrets,
        OPENAI_API_KEY: 'sk-live',
        OPENAI_BASE_URL: 'https://proxy.example.com/openai/v1/',
        OPENAI_MODEL: 'gpt-4.1-mini',
        OPENAI_TIMEOUT_MS: '15000',
        OPENAI_MAX_RETRIES: '0',
        AI_MONTHLY_TOKEN_BUDGET: '0',
        AI_REQUESTS_PER_MINUTE: '5',
        AI_CACHE_TTL_SECONDS: '0',
      }),
    ).ai;
    expect(ai).toEqual({
      openai: { apiKey: 'sk-live', baseURL: 'https://proxy.example.com/openai/v1', model: 'gpt-4.1-mini', organization: null, project: null, timeoutMs: 15000, maxRetries: 0, maxRetryWaitMs: 20000 },
      defaultLimits: { monthlyTokenBudget: 0, requestsPerMinute: 5 },
      cacheTtlSeconds: 0,
    });
  });

  it('stop the process naming each malformed AI variable', () => {
    let error: unknown;
    try {
      loadApiEnv({ ...secrets, OPENAI_BASE_URL: 'not a url', OPENAI_TIMEOUT_MS: '-5', AI_REQUESTS_PER_MINUTE: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^OPENAI_BASE_URL \("not a url"\)/), expect.stringMatching(/^OPENAI_TIMEOUT_MS \("-5"\)/), expect.stringMatching(/^AI_REQUESTS_PER_MINUTE \("0"\)/)]);
  });
});
