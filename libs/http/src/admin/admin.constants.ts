/** Where the admin token comes from when the config does not set `general.admin_token`. */
export const ADMIN_TOKEN_ENV = 'USERSCOPE_ADMIN_TOKEN';
