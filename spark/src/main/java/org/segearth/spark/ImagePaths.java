package org.segearth.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;

/** {@link ImageInput#paths}: one image file per row. */
final class ImagePaths implements ImageInput {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final HadoopConf hadoop;

    ImagePaths(String column, HadoopConf hadoop) {
        this.column = column;
        this.hadoop = hadoop;
    }

    /** The same input reading remote URIs with {@code conf}. */
    ImagePaths withHadoop(Configuration conf) {
        return new ImagePaths(column, new HadoopConf(conf));
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public ImageSource read(Row row, int[] columns) {
        String path = describe(row, columns);
        int colon = path.indexOf(':');
        String scheme = colon > 1 ? path.substring(0, colon) : null;
        if (scheme == null || !scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return ImageSource.of(Path.of(path));
        }
        if (scheme.equalsIgnoreCase("file")) {
            return ImageSource.of(Path.of(URI.create(path)));
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = remote.getFileSystem(hadoop == null ? new Configuration() : hadoop.conf);
            RgbImage image;
            try (InputStream in = fs.open(remote)) {
                image = ImageDecoder.defaults().read(in.readAllBytes());
            }
            return ImageSource.ofRgb(image.toBytes(), image.width(), image.height());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe(Row row, int[] columns) {
        if (row.isNullAt(columns[0])) {
            throw new InvalidInputException("the image column '" + column + "' is null");
        }
        return row.getString(columns[0]);
    }

    /** A Hadoop configuration that travels with the job (Hadoop's own is not serializable). */
    static final class HadoopConf implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient Configuration conf;

        HadoopConf(Configuration conf) {
            this.conf = conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }
}
