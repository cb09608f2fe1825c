/**
 * The <code>segearth</code> command line (picocli).
 */
package org.segearth.cli;
