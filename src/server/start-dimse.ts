/**
 * The DIMSE listener of `medveil serve`: the gateway's DIMSE services (dimse-services.ts) on the
 * host, port and AE title of the config, for its peers and move destinations.
 */
import { type DimseServer, startDimseServer } from '../dimse/dimse-server.js';
import type { ServerConfig } from './config.js';
import { type DimseServicesDeps, dimseServices } from './dimse-services.js';

export function startDimse(
  config: ServerConfig['dimse'],
  deps: Omit<DimseServicesDeps, 'peers' | 'moveDestinations'>,
  log?: (message: string) => void,
): Promise<DimseServer> {
  return startDimseServer({
    port: config.port,
    host: config.host,
    aeTitle: config.aeTitle,
    ...dimseServices({ ...deps, peers: config.peers, moveDestinations: config.moveDestinations }),
    ...(log === undefined ? {} : { log }),
  });
}
