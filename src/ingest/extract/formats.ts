/**
 * File extensions by the kind of document they promise, as text extraction reads them. A module of
 * its own so that a caller choosing files (the folder scan) need not load the readers.
 */

/** Extensions that promise a Word document (WPS Office's, RTF and OpenDocument too), so content that is not one is an error. */
export const WORD_EXTS = new Set(['doc', 'docx', 'docm', 'dot', 'dotx', 'wps', 'wpt', 'rtf', 'odt']);
export const SLIDE_EXTS = new Set(['ppt', 'pps', 'pot', 'dps', 'dpt']);
export const WEB_EXTS = new Set(['html', 'htm', 'mht', 'mhtml']);
