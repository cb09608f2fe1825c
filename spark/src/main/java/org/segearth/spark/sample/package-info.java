/** Programs to run with {@code spark-submit}: segment a folder of images, evaluate on a benchmark. */
package org.segearth.spark.sample;
