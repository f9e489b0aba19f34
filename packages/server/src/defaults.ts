/** Where `ratd` listens unless configured otherwise: loopback only, as the original daemon. */
export const DEFAULT_HOST = "127.0.0.1";

/** The original daemon's port. */
export const DEFAULT_PORT = 9741;
