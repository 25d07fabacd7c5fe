/**
 * The DICOMweb services on the gateway's HTTP app (PS3.18): STOW-RS, QIDO-RS, WADO-RS and
 * WADO-URI, in their own plugin scope so that the multipart/related body parser of STOW-RS
 * applies to no other route. Every route declares its access rule (http-app.ts refuses one that
 * does not), every request is audited by the use case it calls or by the app's request event.
 */
import type { FastifyInstance } from 'fastify';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { registerQidoRoutes } from './qido-routes.js';
import { registerStowRoutes } from './stow-routes.js';
import { registerWadoPixelRoutes } from './wado-pixel-routes.js';
import { registerWadoRoutes } from './wado-routes.js';
import { registerWadoUriRoute } from './wado-uri-route.js';

export function registerDicomwebRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  void app.register(async (scope) => {
    registerStowRoutes(scope, deps);
    registerQidoRoutes(scope, deps);
    registerWadoRoutes(scope, deps);
    registerWadoPixelRoutes(scope, deps);
    registerWadoUriRoute(scope, deps);
  });
}
