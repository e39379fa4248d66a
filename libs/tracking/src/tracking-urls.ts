import { signTrackingToken } from './tracking-tokens';

export type TrackingUrls = {
  pixel: string;
  link: (index: number) => string;
  unsubscribe: string;
};

/** The public URLs of one email's open pixel, link redirects and unsubscribe endpoint. */
export function trackingUrls(publicUrl: string, secret: string, emailId: string): TrackingUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    pixel: `${base}/t/o/${signTrackingToken(secret, { kind: 'o', emailId })}.gif`,
    link: (index) => `${base}/t/c/${signTrackingToken(secret, { kind: 'c', emailId, linkIndex: index })}`,
    unsubscribe: `${base}/u/${signTrackingToken(secret, { kind: 'u', emailId })}`,
  };
}
