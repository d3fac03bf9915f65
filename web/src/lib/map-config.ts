import { api } from './api';

/** The map's tile settings from the server (`TILE_URL`); empty when there are none. */
export interface MapConfig {
  tileUrl: string;
  tileAttribution: string;
}

let config: Promise<MapConfig> | undefined;

/** The tile settings, asked once per tab; without an answer the map goes on without tiles. */
export function mapConfig(): Promise<MapConfig> {
  config ??= api<MapConfig>('/config').catch(() => ({ tileUrl: '', tileAttribution: '' }));
  return config;
}
