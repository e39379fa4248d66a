import { Inject, Injectable } from '@nestjs/common';
import { TrackingToken, verifyTrackingToken } from '@app/tracking';
import { ApiSettings } from '../api.config';
import { API_SETTINGS } from '../api.tokens';
import { notFound } from '../common/errors/api-errors';

/** Verifies the HMAC of a tracking token: forged, altered or of the wrong kind answers 404. */
@Injectable()
export class TrackingTokens {
  constructor(@Inject(API_SETTINGS) private readonly settings: ApiSettings) {}

  verify<K extends TrackingToken['kind']>(token: string, kind: K): Extract<TrackingToken, { kind: K }> {
    const verified = verifyTrackingToken(this.settings.trackingSecret, token);
    if (!verified || verified.kind !== kind) throw notFound('Tracking link');
    return verified as Extract<TrackingToken, { kind: K }>;
  }
}
