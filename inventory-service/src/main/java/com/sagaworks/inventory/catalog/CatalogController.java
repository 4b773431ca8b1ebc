package com.sagaworks.inventory.catalog;

import com.sagaworks.inventory.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Read-only catalog API: what can be ordered, at what price, and how much is free. */
@RestController
@RequestMapping("/products")
class CatalogController {

    private final ProductRepository products;

    CatalogController(ProductRepository products) {
        this.products = products;
    }

    /** Every product, ordered by sku. */
    @GetMapping
    List<Product> all() {
        return products.findAll();
    }

    @GetMapping("/{sku}")
    Product one(@PathVariable String sku) {
        return products.find(sku).orElseThrow(() -> new NotFoundException("product", sku));
    }
}
