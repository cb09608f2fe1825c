/**
 * Reproducing reference dumps: the parity runner, tensor comparisons and their reports.
 */
package org.segearth.runtime.parity;
