import path from 'node:path';

/** Root folder for runtime data (database, stored files). */
export const dataDir = (): string => path.resolve(process.env.CASEJURY_DATA || 'data');
