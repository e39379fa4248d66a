/**
 * List prices in US dollars per million tokens (input, output), as OpenAI published them in
 * 2025-2026. An estimate for the usage report, not an invoice: cached-input discounts and
 * price changes are not modelled. Dated snapshots (gpt-4o-mini-2024-07-18) match their family.
 */
export const MODEL_PRICES_PER_MILLION: Readonly<Record<string, { input: number; output: number }>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5': { input: 1.25, output: 10 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'o3-mini': { input: 1.1, output: 4.4 },
  offline: { input: 0, output: 0 },
};

/** The price entry of a model: its own, or the longest family name it starts with. */
export function priceOf(model: string): { input: number; output: number } | null {
  const name = model.toLowerCase();
  const family = Object.keys(MODEL_PRICES_PER_MILLION)
    .filter((known) => name === known || name.startsWith(`${known}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? (MODEL_PRICES_PER_MILLION[family] ?? null) : null;
}

/** Estimated cost in US dollars, or null for a model without a known price. */
export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number | null {
  const price = priceOf(model);
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
