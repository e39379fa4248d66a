import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the API's auth guard: routes marked with it need no token. */
export const PUBLIC_ROUTE = 'auth:public';

/** No token needed: health, metrics, login, tracking. */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
