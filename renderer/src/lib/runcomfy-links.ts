// RunComfy's pages the window links to (opened in the OS browser: main hands https links to
// runcomfy.com to it and opens nothing else).

/** The account page, where the balance is topped up. */
export const RUNCOMFY_TOP_UP_URL = 'https://www.runcomfy.com/profile';
