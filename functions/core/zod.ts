/**
 * zod for the functions: zod/mini, with zod's English messages. Every function loads
 * configuration and event parsing through this; the classic API's method chains keep all of zod
 * in a bundle (~90 KiB minified, against ~25 KiB for mini). mini carries no messages of its own,
 * so the English locale is set here, once, for every schema ("Too small: expected …").
 */
import en from 'zod/v4/locales/en.js';
import { config } from 'zod/mini';

config(en());

// Re-exported name by name (import it as `import * as z`): a namespace object passed on as a value
// would keep every export of zod, its 40 locales included, in the bundle.
export * from 'zod/mini';
