/** PNG charts of training and evaluation runs (Java2D, no dependency). */
package org.segearth.runtime.chart;
