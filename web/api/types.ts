// Shapes of the Kilowatt REST API (server/src/http/handlers/*.cpp are the source of truth), one
// file per resource under types/ like the API modules; this file re-exports them all so
// `@kilowatt/api/types` stays the one import of the apps.
export * from './types/common';
export * from './types/accounts';
export * from './types/wallet';
export * from './types/tariffs';
export * from './types/chargers';
export * from './types/stations';
export * from './types/orders';
export * from './types/schedules';
export * from './types/cards';
export * from './types/dashboard';
export * from './types/audit';
export * from './types/live';
export * from './types/pending';
