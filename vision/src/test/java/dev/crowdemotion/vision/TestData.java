package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Locates the repository's top-level {@code data/} folder and reads its fixtures. */
final class TestData {
    private TestData() {}

    private static Path root;

    /** {@code data/}, found by walking up from the working directory (the module dir under Maven). */
    static synchronized Path dir() {
        if (root == null) {
            Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
            for (; p != null; p = p.getParent()) {
                Path d = p.resolve("data");
                if (Files.isDirectory(d.resolve("images")) && Files.isDirectory(d.resolve("faces-voc"))) {
                    root = d;
                    break;
                }
            }
            if (root == null) {
                throw new IllegalStateException("no data/images and data/faces-voc above " + System.getProperty("user.dir"));
            }
        }
        return root;
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage image(String relative) {
        try {
            return Images.decode(bytes(relative));
        } catch (ImageDecodeException e) {
            throw new IllegalStateException(relative, e);
        }
    }

    /**
     * The labelled faces of dlib's PASCAL VOC examples: file name to boxes, from
     * {@code training.xml} and {@code testing.xml} ({@code <box top left width height/>}).
     */
    static Map<String, List<FaceBox>> vocFaces() {
        Map<String, List<FaceBox>> out = new LinkedHashMap<>();
        for (String xml : new String[] {"training.xml", "testing.xml"}) {
            try (InputStream in = Files.newInputStream(dir().resolve("faces-voc").resolve(xml))) {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
                Document doc = f.newDocumentBuilder().parse(in);
                NodeList images = doc.getElementsByTagName("image");
                for (int i = 0; i < images.getLength(); i++) {
                    Element image = (Element) images.item(i);
                    List<FaceBox> boxes = new ArrayList<>();
                    NodeList bs = image.getElementsByTagName("box");
                    for (int j = 0; j < bs.getLength(); j++) {
                        Element b = (Element) bs.item(j);
                        boxes.add(new FaceBox(Float.parseFloat(b.getAttribute("left")),
                                Float.parseFloat(b.getAttribute("top")), Float.parseFloat(b.getAttribute("width")),
                                Float.parseFloat(b.getAttribute("height")), 1f));
                    }
                    out.put(image.getAttribute("file"), boxes);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + xml, e);
            }
        }
        return out;
    }
}
