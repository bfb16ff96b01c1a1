// Java's own gzip reader (java.util.zip.GZIPInputStream): stdin decompressed to stdout.
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

public class Gunzip {
  public static void main(String[] args) throws Exception {
    try (InputStream in = new GZIPInputStream(System.in, 65536)) {
      OutputStream out = System.out;
      in.transferTo(out);
      out.flush();
    }
  }
}
