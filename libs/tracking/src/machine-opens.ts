/**
 * Opens fetched by a proxy or a scanner rather than read by a person: Apple Mail Privacy
 * Protection prefetches every image, Gmail and Yahoo fetch through image proxies, security
 * gateways scan links and images on arrival. They are recorded, but not as human opens.
 */
const MACHINE_AGENTS: readonly RegExp[] = [
  /GoogleImageProxy/i,
  /YahooMailProxy/i,
  /^Mozilla\/5\.0$/,
  /Barracuda|Mimecast|Proofpoint|MessageLabs|ZScaler|Symantec|Microsoft Office Protocol Discovery/i,
  /bot|crawler|spider|curl|wget|python-requests|Go-http-client|okhttp|HeadlessChrome/i,
  /ms-office|Microsoft Outlook.*ms-office.*Preview/i,
];

export function isMachineOpen(userAgent: string | undefined): boolean {
  if (!userAgent || !userAgent.trim()) return true;
  return MACHINE_AGENTS.some((pattern) => pattern.test(userAgent));
}
